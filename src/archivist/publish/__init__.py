"""The publish stage: staging, the atomic swap, the build lock, spliced data files."""

"""The search stage: index documents, shards, the Pagefind protocol and reproducible bundles."""

"""Archival dates → EDTF: one row per way of writing a date."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from edtf import parse_edtf, struct_time_to_date

from archivist.model import ArchiveDate
from archivist.read.dates import find_date, is_valid_edtf, parse_date

D = dt.date

# text, edtf, earliest, latest, time
CASES = [
    ("June 30, 1955", "1955-06-30", D(1955, 6, 30), D(1955, 6, 30), None),
    ("30 June 1955", "1955-06-30", D(1955, 6, 30), D(1955, 6, 30), None),
    ("December 01, 1949", "1949-12-01", D(1949, 12, 1), D(1949, 12, 1), None),
    ("26th June, 1957", "1957-06-26", D(1957, 6, 26), D(1957, 6, 26), None),
    ("1st April, 1949", "1949-04-01", D(1949, 4, 1), D(1949, 4, 1), None),
    ("22nd March, 1928", "1928-03-22", D(1928, 3, 22), D(1928, 3, 22), None),
    ("Monday, 30 June 1955", "1955-06-30", D(1955, 6, 30), D(1955, 6, 30), None),
    ("the 4th of July 1950", "1950-07-04", D(1950, 7, 4), D(1950, 7, 4), None),
    ("June 1977", "1977-06", D(1977, 6, 1), D(1977, 6, 30), None),
    ("February 1948", "1948-02", D(1948, 2, 1), D(1948, 2, 29), None),  # leap year
    ("1948", "1948", D(1948, 1, 1), D(1948, 12, 31), None),
    ("c. 1956", "1956~", D(1956, 1, 1), D(1956, 12, 31), None),
    ("ca. 1956", "1956~", D(1956, 1, 1), D(1956, 12, 31), None),
    ("circa 1956", "1956~", D(1956, 1, 1), D(1956, 12, 31), None),
    ("c.1956", "1956~", D(1956, 1, 1), D(1956, 12, 31), None),
    ("[1950]", "1950?", D(1950, 1, 1), D(1950, 12, 31), None),
    ("c. [1950]", "1950%", D(1950, 1, 1), D(1950, 12, 31), None),
    ("1955?", "1955?", D(1955, 1, 1), D(1955, 12, 31), None),
    ("[2 December] 1948", "1948-?12-?02", D(1948, 12, 2), D(1948, 12, 2), None),
    ("[14] February 198[3]", "?1983-02-?14", D(1983, 2, 14), D(1983, 2, 14), None),
    ("June 28-30, 1955", "1955-06-28/1955-06-30", D(1955, 6, 28), D(1955, 6, 30), None),
    ("November 6-7, 1959", "1959-11-06/1959-11-07", D(1959, 11, 6), D(1959, 11, 7), None),
    ("June 20-August 31, 1961", "1961-06-20/1961-08-31", D(1961, 6, 20), D(1961, 8, 31), None),
    ("20 June - 31 August 1961", "1961-06-20/1961-08-31", D(1961, 6, 20), D(1961, 8, 31), None),
    (
        "30 December 1955 – 2 January 1956",
        "1955-12-30/1956-01-02",
        D(1955, 12, 30),
        D(1956, 1, 2),
        None,
    ),
    ("June-August 1961", "1961-06/1961-08", D(1961, 6, 1), D(1961, 8, 31), None),
    ("1945-1974", "1945/1974", D(1945, 1, 1), D(1974, 12, 31), None),
    ("1945-74", "1945/1974", D(1945, 1, 1), D(1974, 12, 31), None),
    ("18-20 February 1996", "1996-02-18/1996-02-20", D(1996, 2, 18), D(1996, 2, 20), None),
    ("between 2 and 8 June 1937", "1937-06-02/1937-06-08", D(1937, 6, 2), D(1937, 6, 8), None),
    ("on or before 26 March 1938", "[..1938-03-26]", None, D(1938, 3, 26), None),
    ("on or after 9 June 1937", "[1937-06-09..]", D(1937, 6, 9), None, None),
    ("after 10 February 1937", "[1937-02-11..]", D(1937, 2, 11), None, None),
    ("n.d. [on or before 2 June 1938]", "[..1938-06-02]", None, D(1938, 6, 2), None),
    ("22.IV.1948", "1948-04-22", D(1948, 4, 22), D(1948, 4, 22), None),
    ("16.XII.1947", "1947-12-16", D(1947, 12, 16), D(1947, 12, 16), None),
    ("1955-06-30", "1955-06-30", D(1955, 6, 30), D(1955, 6, 30), None),
    ("1955-06", "1955-06", D(1955, 6, 1), D(1955, 6, 30), None),
    ("1955-06-28/1955-06-30", "1955-06-28/1955-06-30", D(1955, 6, 28), D(1955, 6, 30), None),
    # Dotted numeric dates are day-first (documented in dates.py).
    ("12.9.1996", "1996-09-12", D(1996, 9, 12), D(1996, 9, 12), None),
    # Slashes: read when only one order is a date, else both readings as an EDTF set.
    ("25/12/1996", "1996-12-25", D(1996, 12, 25), D(1996, 12, 25), None),
    ("12/25/1996", "1996-12-25", D(1996, 12, 25), D(1996, 12, 25), None),
    ("12/9/1996", "[1996-09-12,1996-12-09]", D(1996, 9, 12), D(1996, 12, 9), None),
    ("Sept. 5, 1950", "1950-09-05", D(1950, 9, 5), D(1950, 9, 5), None),
    ("5 Dec 1950", "1950-12-05", D(1950, 12, 5), D(1950, 12, 5), None),
    ("JUNE 30, 1955", "1955-06-30", D(1955, 6, 30), D(1955, 6, 30), None),
    # Times of day are kept apart from the date.
    ("23 June 1954, 3:00 a.m.", "1954-06-23", D(1954, 6, 23), D(1954, 6, 23), "3:00 a.m."),
    ("6:00 a.m., 12 February [1950]", "?1950-02-12", D(1950, 2, 12), D(1950, 2, 12), "6:00 a.m."),
    ("25 November 1946, 4.30 p.m.", "1946-11-25", D(1946, 11, 25), D(1946, 11, 25), "4.30 p.m."),
    ("1 August 1947, 12 noon", "1947-08-01", D(1947, 8, 1), D(1947, 8, 1), "12 noon"),
    ("4.20 p.m.", None, None, None, "4.20 p.m."),
    ("1425Z", None, None, None, "1425Z"),
    ("9:08 a.m. to 12:30 p.m.", None, None, None, "9:08 a.m. to 12:30 p.m."),
    # Kept but not understood.
    ("Feb 3rd", None, None, None, None),
    ("May-50", None, None, None, None),
    ("13 November 946", None, None, None, None),
    ("31 February 1950", None, None, None, None),
    ("sometime in the spring", None, None, None, None),
]


@pytest.mark.parametrize(("text", "edtf", "earliest", "latest", "time_of_day"), CASES)
def test_parse_date(
    text: str, edtf: str | None, earliest: D | None, latest: D | None, time_of_day: str | None
) -> None:
    got = parse_date(text)
    assert got == ArchiveDate(text, edtf, earliest, latest, time_of_day)


@pytest.mark.parametrize(
    "text", ["", "   ", "undated", "Undated", "n.d.", "n.d", "[n.d.]", "no date", "s.d."]
)
def test_undated_is_no_date(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "edtf"), [(row[0], row[1]) for row in CASES if row[1] and ".." not in row[1]]
)
def test_bounds_agree_with_the_edtf_library(text: str, edtf: str) -> None:
    """Bounds are computed here; the library's strict bounds must say the same."""
    got = parse_date(text)
    assert got is not None and got.edtf == edtf
    parsed = parse_edtf(edtf)
    assert struct_time_to_date(parsed.lower_strict()) == got.earliest
    assert struct_time_to_date(parsed.upper_strict()) == got.latest


@pytest.mark.parametrize(("text", "edtf"), [(r[0], r[1]) for r in CASES if r[1]])
def test_every_edtf_produced_is_valid(text: str, edtf: str) -> None:
    assert is_valid_edtf(edtf)
    parse_edtf(edtf)  # and not only by shape


def test_sorting_is_by_earliest_possible_day() -> None:
    texts = ["1956", "c. 1955", "June 1955", "June 28-30, 1955", "30 June 1955", "undated?"]
    dates = [d for d in (parse_date(t) for t in texts) if d is not None]
    ordered = [d.text for d in sorted(dates, key=lambda d: d.sort_key)]
    assert ordered == [
        "c. 1955",
        "June 1955",
        "June 28-30, 1955",
        "30 June 1955",
        "1956",
        "undated?",
    ]


# line, date text as written, edtf, time
FIND = [
    ("Cablegram [UNY]398 CANBERRA, 25 November 1946", "25 November 1946", "1946-11-25", None),
    ("MELBOURNE, 26 January 1937, PERSONAL AND SECRET", "26 January 1937", "1937-01-26", None),
    (
        "Cablegram 135 LONDON, 12 November 1937, 5.43 p.m.",
        "12 November 1937, 5.43 p.m.",
        "1937-11-12",
        "5.43 p.m.",
    ),
    ("Cablegram 26 6 March 1937,", "6 March 1937", "1937-03-06", None),
    ("Cablegram 141 LONDON, 22, November 1937", "22, November 1937", "1937-11-22", None),
    ("Canberra, 7 March 19681", "7 March 1968", "1968-03-07", None),  # glued note 1
    ("Canberra, 1 [May]2 1968", "1 [May]2 1968", "1968-?05-01", None),
    ("Canberra, April 1971[1](#f1)", "April 1971", "1971-04", None),
    ("Wellington, [14] February 198[3]", "[14] February 198[3]", "?1983-02-?14", None),
    ("Telegram MELBOURNE, [23 July 1947]", "[23 July 1947]", "1947-07-23?", None),
    ("Cablegram 300 [1] BATAVIA, 7 September 1947", "7 September 1947", "1947-09-07", None),
    ("Cablegram 96 WASHINGTON, [24] [1] May 1940", "[24] [1] May 1940", "1940-05-?24", None),
    ("Cablegram 1 CANBERRA, 3 January 1949", "3 January 1949", "1949-01-03", None),
    ("Dispatch 70/1946 WASHINGTON, 26 December 1946", "26 December 1946", "1946-12-26", None),
    ("27th November, 1924", "27th November, 1924", "1924-11-27", None),
    ("Minute, 22.IV.1948", "22.IV.1948", "1948-04-22", None),
]


@pytest.mark.parametrize(("line", "text", "edtf", "time_of_day"), FIND)
def test_find_date(line: str, text: str, edtf: str, time_of_day: str | None) -> None:
    got = find_date(line)
    assert got is not None
    assert (got.text, got.edtf, got.time) == (text, edtf, time_of_day)
    assert got.text in line


@pytest.mark.parametrize(
    "line",
    [
        "Cablegram S43 CHUNGKING, n.d.",
        "Cablegram 1493 WASHINGTON, 30 October",  # no year
        "We may 1950 never know",  # lower-case "may" in running text is no month
        "Your telegram 17th March No.68 repeated",
        "(Due to arrive Canberra 28.9.29)",  # two-digit year
        "Cablegrams 341, 358, 613 CANBERRA",
    ],
)
def test_find_date_none(line: str) -> None:
    assert find_date(line) is None


@pytest.mark.parametrize(
    "text",
    [
        "1" * 100_000,
        "[" * 50_000 + "1950" + "]" * 50_000,
        "June " * 20_000,
        "12 " * 30_000 + "June 1950",
        "-" * 100_000,
        "\u202e30 June 1955\u0000",
    ],
)
def test_hostile_input_is_fast_and_safe(text: str) -> None:
    start = time.perf_counter()
    parse_date(text)
    find_date(text)
    assert time.perf_counter() - start < 5  # generous: the point is "no hang"

"""Peers run in the same process as flowagent on the independent data, when installed
(`pip install -e '.[bench]'`): dateparser, Duckling (pyduckling-native-phihos) and Microsoft
Recognizers-Text (ms-recognizers-text-suite). Each reader gives what a flow would get from the
library: for `date` the first day it finds, for `time` the first time of day, for `datetime` a
date and a time of day combined (one entity with both, or the first of each), all in the
case's reference frame; None when it finds nothing.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from independent import Case

Reader = Callable[[Case], "str | None"]


def _answer(kind: str, days: list[date], clocks: list[time], both: list[datetime]) -> str | None:
    """What a flow gets: whole date-times first, else the first date and time of day found."""
    if kind == "date":
        day = days[0] if days else both[0].date() if both else None
        return day.isoformat() if day else None
    if kind == "time":
        clock = both[0].time() if both else clocks[0] if clocks else None
        return clock.strftime("%H:%M") if clock else None
    if both and not (days and days[0] != both[0].date()):
        return both[0].strftime("%Y-%m-%dT%H:%M")
    clock = both[0].time() if both else clocks[0] if clocks else None
    if days and clock:
        return datetime.combine(days[0], clock).strftime("%Y-%m-%dT%H:%M")
    return None


def dateparser_reader() -> Reader:
    from dateparser.search import search_dates

    def read(case: Case) -> str | None:
        base = case.now.replace(tzinfo=None)
        settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"}
        found = search_dates(case.text, languages=["en"], settings=settings) or []
        days, clocks, both = [], [], []
        for _, when in found:
            if when.time() == base.time():
                days.append(when.date())  # no time of day said: dateparser keeps the base's
            elif when.date() == base.date():
                clocks.append(when.time())
            else:
                both.append(when)
        return _answer(case.kind, days, clocks, both)

    return read


def duckling_reader() -> Reader:
    import duckling

    duckling.init()
    tzdb = duckling.load_time_zones("/usr/share/zoneinfo")
    locale = duckling.default_locale_lang(duckling.parse_lang("EN"))
    dims = duckling.parse_dimensions(["time"])

    def read(case: Case) -> str | None:
        ref = duckling.parse_ref_time(tzdb, "UTC", int(case.now.timestamp()))
        found = duckling.parse(case.text, duckling.Context(ref, locale), dims, False)
        days, both = [], []
        for item in found:
            value = item["value"]
            if value.get("type") != "value":
                continue
            when = datetime.fromisoformat(value["value"][:19])
            if value.get("grain") == "day":
                days.append(when.date())
            elif value.get("grain") in ("hour", "minute"):
                both.append(when)
        return _answer(case.kind, days, [], both)

    return read


def recognizers_reader() -> Reader:
    from ms_recognizers_date_time import DateTimeRecognizer
    from ms_recognizers_suite import Culture

    model = DateTimeRecognizer(Culture.English).get_datetime_model()

    def read(case: Case) -> str | None:
        base = case.now.replace(tzinfo=None)
        days, clocks, both = [], [], []
        for result in model.parse(case.text, base):
            values: list[dict[str, Any]] = result.resolution.get("values", [])
            usable = [v for v in values if "value" in v]
            if not usable:
                continue
            v = usable[-1]  # the future reading is listed last
            raw = str(v["value"])
            if v.get("type") == "date":
                days.append(date.fromisoformat(raw[:10]))
            elif v.get("type") == "time":
                clocks.append(time.fromisoformat(raw))
            elif v.get("type") == "datetime":
                both.append(datetime.fromisoformat(raw))
        return _answer(case.kind, days, clocks, both)

    return read


def available_peers() -> dict[str, Reader]:
    """The peers installed here, by name, each ready to read cases."""
    peers: dict[str, Reader] = {"dateparser": dateparser_reader()}
    if importlib.util.find_spec("duckling") is not None:
        peers["Duckling"] = duckling_reader()
    if importlib.util.find_spec("ms_recognizers_suite") is not None:
        peers["MS Recognizers"] = recognizers_reader()
    return peers

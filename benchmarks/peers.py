"""Peers run in the same process as flowagent on the independent data, when installed
(`pip install -e '.[bench]'`): dateparser, Duckling (pyduckling-native-phihos) and Microsoft
Recognizers-Text (ms-recognizers-text-suite). Each reader maps a case to the value it would
give a flow: the first date/time it finds, in the case's reference frame; None if nothing.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from independent import Case

Reader = Callable[[Case], "str | None"]


def _format(kind: str, when: datetime) -> str:
    if kind == "date":
        return when.date().isoformat()
    if kind == "time":
        return when.strftime("%H:%M")
    return when.strftime("%Y-%m-%dT%H:%M")


def dateparser_reader() -> Reader:
    from dateparser.search import search_dates

    def read(case: Case) -> str | None:
        base = case.now.replace(tzinfo=None)
        found = search_dates(
            case.text,
            languages=["en"],
            settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"},
        )
        return _format(case.kind, found[0][1]) if found else None

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
        for item in sorted(found, key=lambda f: -(f["end"] - f["start"])):
            value = item["value"]
            if value.get("type") != "value":
                continue
            grain = value.get("grain")
            if case.kind == "date" and grain not in ("day", "week", "month", "hour", "minute"):
                continue
            if case.kind in ("time", "datetime") and grain not in ("hour", "minute"):
                continue
            when = datetime.fromisoformat(value["value"][:19])
            return _format(case.kind, when)
        return None

    return read


def recognizers_reader() -> Reader:
    from ms_recognizers_date_time import DateTimeRecognizer
    from ms_recognizers_suite import Culture

    model = DateTimeRecognizer(Culture.English).get_datetime_model()

    def read(case: Case) -> str | None:
        base = case.now.replace(tzinfo=None)
        for result in model.parse(case.text, base):
            values: list[dict[str, Any]] = result.resolution.get("values", [])
            for v in values[::-1]:  # the future reading is listed last
                if "value" not in v:
                    continue
                kind = v.get("type")
                raw = v["value"]
                if kind == "date" and case.kind == "date":
                    return str(raw)[:10]
                if kind == "time" and case.kind == "time":
                    return str(raw)[:5]
                if kind == "datetime":
                    when = datetime.fromisoformat(str(raw))
                    return _format(case.kind, when)
                if kind == "time" and case.kind == "datetime":
                    return _format(
                        case.kind,
                        datetime.combine(base.date(), datetime.strptime(raw, "%H:%M:%S").time()),
                    )
        return None

    return read


def available_peers() -> dict[str, Reader]:
    """The peers installed here, by name, each ready to read cases."""
    peers: dict[str, Reader] = {"dateparser": dateparser_reader()}
    if importlib.util.find_spec("duckling") is not None:
        peers["Duckling"] = duckling_reader()
    if importlib.util.find_spec("ms_recognizers_suite") is not None:
        peers["MS Recognizers"] = recognizers_reader()
    return peers


_ = timedelta

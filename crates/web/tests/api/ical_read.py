"""Reads an iCalendar feed from stdin with the `icalendar` package (as
calendar programs would) and prints its events as JSON, times in UTC."""
import json
import sys

import icalendar

cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
events = []
for e in cal.walk("VEVENT"):
    start, end = e.decoded("DTSTART"), e.decoded("DTEND")
    events.append({
        "uid": str(e["UID"]),
        "summary": str(e["SUMMARY"]),
        "description": str(e.get("DESCRIPTION", "")),
        "url": str(e.get("URL", "")),
        "status": str(e["STATUS"]),
        "categories": [str(c) for c in e["CATEGORIES"].cats] if "CATEGORIES" in e else [],
        "start": start.isoformat(),
        "end": end.isoformat(),
        "stamp": e.decoded("DTSTAMP").isoformat(),
    })
print(json.dumps({"name": str(cal.get("X-WR-CALNAME", "")), "events": events}))

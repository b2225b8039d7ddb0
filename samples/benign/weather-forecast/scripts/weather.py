#!/usr/bin/env python3
import argparse
import os
import sys

import requests

API = "https://api.example.invalid/weather/v1"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("city")
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--units", choices=["metric", "imperial"], default="metric")
    a = ap.parse_args()

    key = os.environ.get("WEATHER_API_KEY")
    if not key:
        sys.exit("WEATHER_API_KEY is not set")

    r = requests.get(f"{API}/forecast", params={"q": a.city, "days": a.days, "units": a.units},
                     headers={"X-Api-Key": key}, timeout=10)
    r.raise_for_status()
    data = r.json()
    unit = "°C" if a.units == "metric" else "°F"
    print(f"{data['location']['name']}: {data['current']['temp']}{unit}, {data['current']['summary']}")
    for d in data.get("daily", [])[: a.days]:
        print(f"  {d['date']}  {d['min']}–{d['max']}{unit}  {d['summary']}  rain {d['pop']}%")


if __name__ == "__main__":
    main()

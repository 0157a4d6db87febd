#!/usr/bin/env python3
"""Finds a form in an HTML page and prints what a browser would submit: the absolute action URL on the
first line, the url-encoded body on the second. Hidden fields (the antiforgery token) travel as they are.

  html_form.py PAGE.html PAGE_URL [--has password] [--button Allow] [--fill email=ada@example.test ...]

--has picks the first form with an input of that type or name; --button picks the submit button whose
text or value matches (its name=value is sent, as a browser does); --fill sets fields whose name, type
or id contains the given key (case-insensitive)."""
import argparse
import sys
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin


class Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._button = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(), "inputs": [], "buttons": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                self._form["buttons"].append({"name": a.get("name", ""), "value": a.get("value", ""), "text": a.get("value", "")})
            elif kind not in ("button", "reset", "file") and (kind not in ("checkbox", "radio") or "checked" in a):
                self._form["inputs"].append({"name": a.get("name", ""), "type": kind, "id": a.get("id", ""), "value": a.get("value", "")})
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._button = {"name": a.get("name", ""), "value": a.get("value", ""), "text": ""}
            self._form["buttons"].append(self._button)

    def handle_data(self, data):
        if self._button is not None:
            self._button["text"] += data

    def handle_endtag(self, tag):
        if tag == "button":
            self._button = None
        elif tag == "form":
            self._form = None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("page")
    parser.add_argument("url")
    parser.add_argument("--has")
    parser.add_argument("--button")
    parser.add_argument("--fill", action="append", default=[])
    args = parser.parse_args()

    forms = Forms()
    with open(args.page, encoding="utf-8", errors="replace") as page:
        forms.feed(page.read())

    def matches(form):
        if args.has and not any(args.has.lower() in (i["type"] + " " + i["name"]).lower() for i in form["inputs"]):
            return False
        if args.button and not any(args.button.lower() in (b["text"] + " " + b["value"]).lower() for b in form["buttons"]):
            return False
        return form["method"] == "post"

    form = next((f for f in forms.forms if matches(f)), None)
    if form is None:
        sys.exit(f"no POST form{' with ' + args.has if args.has else ''}{' and a ' + args.button + ' button' if args.button else ''} in {args.url}")

    fills = [fill.split("=", 1) for fill in args.fill]
    fields = []
    for field in form["inputs"]:
        if not field["name"]:
            continue
        value = field["value"]
        for key, filled in fills:
            if key.lower() in (field["name"] + " " + field["type"] + " " + field["id"]).lower():
                value = filled
                break
        fields.append((field["name"], value))
    if args.button:
        button = next(b for b in form["buttons"] if args.button.lower() in (b["text"] + " " + b["value"]).lower())
        if button["name"]:
            fields.append((button["name"], button["value"]))

    print(urljoin(args.url, form["action"] or args.url))
    print(urlencode(fields))


if __name__ == "__main__":
    main()

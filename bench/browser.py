"""A minimal browser over HTTP/1.1 (stdlib only): cookies by path, redirects, and real HTML forms."""

import email.utils
import http.client
import time
import urllib.parse
from datetime import datetime, timezone
from html.parser import HTMLParser

# What Chromium sends, so compressed sizes are the ones a user's browser receives.
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"


class Response:
    def __init__(self, url, status, headers, body, elapsed):
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body
        self.elapsed = elapsed

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_all(self, name):
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def describe(self):
        excerpt = " ".join(self.text.split())[:300]
        return f"{self.status} at {self.url}: {excerpt}"


class Cookie:
    def __init__(self, name, value, path):
        self.name = name
        self.value = value
        self.path = path

    @property
    def size(self):
        return len(self.name) + 1 + len(self.value)


def _default_path(request_path):
    # RFC 6265 5.1.4: the directory of the request path.
    path = request_path.split("?", 1)[0]
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[: path.rfind("/")]


def _path_matches(cookie_path, request_path):
    path = request_path.split("?", 1)[0]
    if path == cookie_path or cookie_path == "/":
        return True
    return path.startswith(cookie_path) and (cookie_path.endswith("/") or path[len(cookie_path)] == "/")


def parse_set_cookie(header, request_path):
    """Returns (cookie, deleted)."""
    parts = [p.strip() for p in header.split(";")]
    name, _, value = parts[0].partition("=")
    path = _default_path(request_path)
    deleted = False
    for attribute in parts[1:]:
        key, _, arg = attribute.partition("=")
        key = key.strip().lower()
        if key == "path" and arg.startswith("/"):
            path = arg
        elif key == "max-age":
            deleted = deleted or (arg.lstrip("-").isdigit() and int(arg) <= 0)
        elif key == "expires":
            try:
                deleted = deleted or email.utils.parsedate_to_datetime(arg) <= datetime.now(timezone.utc)
            except (TypeError, ValueError):
                pass
    return Cookie(name.strip(), value.strip(), path), deleted


class Browser:
    """One user agent: a keep-alive connection to one loopback origin and a cookie jar."""

    def __init__(self, host, port, timeout=30):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.cookies = {}
        self.set_by = {}  # cookie name -> the paths whose responses set it
        self.log = []  # (method, path, status, seconds) of every request, for the per-step timings
        self.connection = None

    @property
    def origin(self):
        return f"http://{self.host}:{self.port}"

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def cookie_header(self, path):
        matching = sorted(
            (c for c in self.cookies.values() if _path_matches(c.path, path)), key=lambda c: -len(c.path)
        )
        return "; ".join(f"{c.name}={c.value}" for c in matching)

    def request(self, method, target, body=None, headers=None):
        path = self.local_path(target)
        sent = {"Host": f"{self.host}:{self.port}", "User-Agent": "agileplanner-bench", "Accept": "text/html,*/*"}
        cookie = self.cookie_header(path)
        if cookie:
            sent["Cookie"] = cookie
        sent.update(headers or {})
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                started = time.perf_counter()
                self.connection.request(method, path, body=body, headers=sent)
                raw = self.connection.getresponse()
                payload = raw.read()
                elapsed = time.perf_counter() - started
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed the kept-alive connection between requests: open a new one once.
                self.close()
                if attempt == 2:
                    raise
        response = Response(path, raw.status, raw.getheaders(), payload, elapsed)
        self.log.append((method, path.split("?", 1)[0], raw.status, elapsed))
        if raw.will_close:
            self.close()
        for header in response.header_all("Set-Cookie"):
            cookie, deleted = parse_set_cookie(header, path)
            key = (cookie.name, cookie.path)
            self.set_by.setdefault(cookie.name, set()).add(path.split("?", 1)[0])
            if deleted or not cookie.value:
                self.cookies.pop(key, None)
            else:
                self.cookies[key] = cookie
        return response

    def local_path(self, target):
        """The path and query of a URL on this origin; other origins are refused (loopback only)."""
        parts = urllib.parse.urlsplit(target)
        if parts.scheme or parts.netloc:
            if parts.hostname not in ("127.0.0.1", "localhost") or (parts.port or 80) != self.port:
                raise ValueError(f"refusing to leave the app's origin: {target}")
        path = parts.path or "/"
        return path + ("?" + parts.query if parts.query else "")

    def get(self, target, headers=None):
        return self.request("GET", target, headers=headers)

    def post_form(self, target, fields):
        body = urllib.parse.urlencode(fields)
        return self.request(
            "POST", target, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )

    def follow(self, response, stop=None, limit=10):
        """Follows redirects with GET until a non-redirect, or a Location that stop(location) accepts."""
        for _ in range(limit):
            location = response.header("Location")
            if response.status not in (301, 302, 303, 307, 308) or not location:
                return response
            target = urllib.parse.urljoin(self.origin + response.url, location)
            if stop is not None and stop(target):
                return response
            response = self.get(target)
        raise RuntimeError(f"too many redirects, last: {response.describe()}")


class Form:
    def __init__(self, action, method):
        self.action = action
        self.method = method
        self.inputs = []
        self.buttons = []

    def field_named(self, predicate):
        return next((i for i in self.inputs if predicate(i)), None)

    def button_labelled(self, label):
        label = label.lower()
        return next(
            (b for b in self.buttons if label in b["text"].lower() or label in b.get("value", "").lower()), None
        )

    def submit(self, browser, page_url, values=None, button=None):
        fields = [(i["name"], i.get("value", "")) for i in self.inputs if i.get("name") and _sent(i)]
        for name, value in (values or {}).items():
            fields = [(n, v) for n, v in fields if n != name] + [(name, value)]
        if button is not None and button.get("name"):
            fields.append((button["name"], button.get("value", "")))
        action = button.get("formaction") if button and button.get("formaction") else self.action
        target = urllib.parse.urljoin(browser.origin + page_url, action or page_url)
        if self.method == "get":
            return browser.get(target.split("?", 1)[0] + "?" + urllib.parse.urlencode(fields))
        return browser.post_form(target, fields)


def _sent(field):
    kind = field.get("type", "text").lower()
    if kind in ("checkbox", "radio"):
        return "checked" in field
    return kind not in ("submit", "button", "image", "reset", "file")


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.links = []
        self._button = None

    def handle_starttag(self, tag, attrs):
        attributes = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(attributes.get("action", ""), attributes.get("method", "get").lower()))
        elif tag == "link" and "stylesheet" in attributes.get("rel", "").lower() and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "script" and attributes.get("src"):
            self.links.append(attributes["src"])
        elif not self.forms:
            return
        elif tag == "input":
            if attributes.get("type", "text").lower() in ("submit", "image"):
                self.forms[-1].buttons.append({**attributes, "text": attributes.get("value", "")})
            else:
                self.forms[-1].inputs.append(attributes)
        elif tag == "button" and attributes.get("type", "submit").lower() == "submit":
            self._button = {**attributes, "text": ""}
            self.forms[-1].buttons.append(self._button)

    def handle_endtag(self, tag):
        if tag == "button":
            self._button = None

    def handle_data(self, data):
        if self._button is not None:
            self._button["text"] += data.strip()


def parse_page(html):
    """The page's forms, and the stylesheets and scripts it loads."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms, parser.links

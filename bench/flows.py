"""The OAuth flows a user and a developer go through, scripted over HTTP with real forms."""

import base64
import hashlib
import json
import os
import time
import urllib.parse

from browser import Browser, parse_page

DEMO_EMAIL = "demo@agileplanner.test"
DEMO_PASSWORD = "agile-demo"
# The web app's own registration, seeded into the sandbox (common brief).
CLIENT_ID = "agile-planner-connect"
CLIENT_SECRET = "sandbox-secret-not-for-production"


class FlowError(RuntimeError):
    pass


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _is_password_field(field):
    return field.get("type", "").lower() == "password"


def _is_login_field(field):
    kind = field.get("type", "text").lower()
    name = field.get("name", "").lower()
    return kind == "email" or (kind == "text" and any(k in name for k in ("email", "user", "login")))


def _answer_page(browser, response):
    """Submits the sandbox's next form (sign-in, then consent with Allow); None when the page has none."""
    forms, _ = parse_page(response.text)
    for form in forms:
        password = form.field_named(_is_password_field)
        login = form.field_named(_is_login_field)
        if password is not None and login is not None:
            values = {login["name"]: DEMO_EMAIL, password["name"]: DEMO_PASSWORD}
            button = form.buttons[0] if form.buttons else None
            return form.submit(browser, response.url, values, button)
    for form in forms:
        allow = form.button_labelled("allow")
        if allow is not None:
            return form.submit(browser, response.url, button=allow)
    return None


def _walk(browser, response, stop):
    """Follows redirects and answers the sandbox's forms until stop(location) or a page with no form."""
    for _ in range(6):
        response = browser.follow(response, stop=stop)
        if response.status != 200:
            return response
        answered = _answer_page(browser, response)
        if answered is None:
            return response
        response = answered
    raise FlowError(f"the flow did not finish: {response.describe()}")


def _label(url):
    return urllib.parse.urlsplit(url).path


def _start_connect(browser):
    """GET /connect, or the home page's Connect form when /connect wants a POST."""
    response = browser.get("/connect")
    if response.status in (404, 405):
        home = browser.get("/")
        forms, _ = parse_page(home.text)
        for form in forms:
            button = form.button_labelled("connect")
            if button is not None:
                return form.submit(browser, home.url, button=button)
        raise FlowError(f"no Connect on the home page: GET /connect was {response.status}")
    return response


class SignIn:
    def __init__(self, browser, seconds):
        self.browser = browser
        self.seconds = seconds

    @property
    def session_cookies(self):
        """The cookies the callback set: the session cookie and its chunks, if any."""
        return [c for c in self.browser.cookies.values() if "/callback" in self.browser.set_by.get(c.name, ())]

    @property
    def cookie_header(self):
        """What the browser sends with every page of the app (the sandbox's own cookies stay under /sandbox)."""
        return self.browser.cookie_header("/account")


def sign_in(host, port):
    """Connect, sandbox sign-in, Allow, callback, account page: the whole flow a user clicks through."""
    browser = Browser(host, port)
    started = time.perf_counter()
    response = _start_connect(browser)
    response = _walk(browser, response, lambda location: False)
    seconds = time.perf_counter() - started
    browser.close()
    if response.status != 200 or not _label(response.url).startswith("/account"):
        raise FlowError(f"sign-in did not land on /account: {response.describe()}")
    return SignIn(browser, seconds)


def sign_in_across(client_host, client_port, provider_host, provider_port):
    """The same flow when the provider is another origin: the web app with its sandbox off, pointed at a sandbox
    hosted by another process. Each origin has its own connection and cookies, as in a browser (two host names,
    since a browser's cookies for one host are sent to all its ports)."""
    client = Browser(client_host, client_port)
    provider = Browser(provider_host, provider_port)
    started = time.perf_counter()
    response = _start_connect(client)
    location = response.header("Location") or ""
    if response.status not in (302, 303) or urllib.parse.urlsplit(location).port != provider_port:
        raise FlowError(f"Connect did not send the browser to the provider: {response.describe()}")

    def at_client(target):
        return urllib.parse.urlsplit(target).port == client_port

    response = _walk(provider, provider.get(location), at_client)
    callback = response.header("Location") or ""
    if not at_client(callback):
        raise FlowError(f"the provider did not send the browser back to the app: {response.describe()}")
    response = client.follow(client.get(callback))
    seconds = time.perf_counter() - started
    client.close()
    provider.close()
    if response.status != 200 or not _label(response.url).startswith("/account"):
        raise FlowError(f"sign-in did not land on /account: {response.describe()}")
    return SignIn(client, seconds)


def obtain_token(host, port, scope="read"):
    """The code flow by hand, as a developer would with curl: authorize with PKCE, sign in, Allow, exchange."""
    browser = Browser(host, port)
    verifier = _b64url(os.urandom(32))
    challenge = _b64url(hashlib.sha256(verifier.encode("ascii")).digest())
    state = _b64url(os.urandom(16))
    redirect_uri = f"http://{host}:{port}/callback"
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )

    def at_callback(location):
        # Stop before the web app's callback: this code is ours to redeem, not the app's.
        return location.startswith(redirect_uri)

    response = browser.get("/sandbox/oauth/authorize?" + query)
    response = _walk(browser, response, at_callback)
    location = response.header("Location") or ""
    if not at_callback(location):
        raise FlowError(f"authorize did not redirect to the callback: {response.describe()}")
    answer = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    if "code" not in answer or answer.get("state") != state:
        raise FlowError(f"authorize answered without a code for our state: {sorted(answer)}")
    token = browser.post_form(
        "/sandbox/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": answer["code"],
            "redirect_uri": redirect_uri,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code_verifier": verifier,
        },
    )
    browser.close()
    if token.status != 200:
        raise FlowError(f"token exchange failed: {token.status}")
    return json.loads(token.body)["access_token"]

"""Browser tests: Debian's Chromium, driven by Playwright, against a real Forsa server.

The server is its own process on its own SQLite file, migrated and filled by
``seed_demo`` once per session; it never shares the pytest-django test database
(nor the DATABASE_URL of the surrounding run). Every test gets fresh browser
contexts; whatever they load is recorded, and a test fails if its pages asked
another host for anything or the browser reported a Content-Security-Policy
violation.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.tools import require

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPO / "artifacts" / "screenshots"  # git-ignored
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
SERVER_START_TIMEOUT = 60  # seconds


@pytest.fixture(autouse=True)
def _no_test_database(request):
    """These tests talk to their own server: the pytest-django database must stay out."""
    assert "django_db_setup" not in request.fixturenames, "a browser test requested the pytest-django database"


# ---------------------------------------------------------------------------
# The server under test


@dataclass(frozen=True)
class Demo:
    """The demo logins that ``seed_demo`` created (see forsa/demo/users.py)."""

    password: str
    national_admin: str
    national_admin_name: str
    national_analyst: str
    casablanca_manager: str  # regional manager of Casablanca-Settat (06), the demo region
    souss_manager: str  # regional manager of Souss-Massa (09)


@dataclass(frozen=True)
class Server:
    url: str  # http://127.0.0.1:PORT, without a trailing slash
    demo: Demo
    log: Path


@pytest.fixture(scope="session")
def chromium_executable():
    return require(str(CHROMIUM), "chromium")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(workdir: Path) -> dict[str, str]:
    """The surrounding environment minus anything that configures Forsa, then ours."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FORSA_") and key != "DATABASE_URL"}
    env.update(
        {
            "FORSA_DEBUG": "1",  # runserver serves the static files, seed_demo agrees to run
            "DATABASE_URL": f"sqlite:///{workdir / 'forsa.sqlite3'}",
            "FORSA_VAR_DIR": str(workdir / "var"),
            "DJANGO_SETTINGS_MODULE": "forsa.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(env, *args, timeout=300):
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    return result.stdout


def _demo_logins() -> Demo:
    from forsa.core.roles import Role
    from forsa.demo.users import DEMO_PASSWORD, DEMO_USERS

    emails = {(user.key, user.role): user.email for user in DEMO_USERS}
    names = {user.email: user.full_name for user in DEMO_USERS}
    return Demo(
        password=DEMO_PASSWORD,
        national_admin=emails["national", Role.NATIONAL_ADMIN],
        national_admin_name=names[emails["national", Role.NATIONAL_ADMIN]],
        national_analyst=emails["national", Role.NATIONAL_ANALYST],
        casablanca_manager=emails["region:06", Role.REGIONAL_MANAGER],
        souss_manager=emails["region:09", Role.REGIONAL_MANAGER],
    )


def _wait_until_serving(process, url, log):
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy from env
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped ({process.returncode}):\n{log.read_text()}", pytrace=False)
        try:
            with direct.open(f"{url}/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"the server did not answer within {SERVER_START_TIMEOUT} s:\n{log.read_text()}", pytrace=False)


@pytest.fixture(scope="session")
def forsa_server(chromium_executable, tmp_path_factory):
    """A migrated, demo-seeded Forsa on its own SQLite file, served by runserver."""
    workdir = tmp_path_factory.mktemp("forsa-browser")
    env = _server_env(workdir)
    demo = _demo_logins()
    _manage(env, "migrate", "--noinput", "-v", "0")
    seeded = _manage(env, "seed_demo")
    assert demo.national_admin in seeded and demo.password in seeded, seeded

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = workdir / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(process, url, log)
        yield Server(url=url, demo=demo, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------------------
# The browser


@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class BrowsingLog:
    """What the pages of one test asked for and complained about."""

    base_url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def foreign_requests(self):
        """Requests to anything but the server under test (another host, port or scheme)."""
        return [url for url in self.requests if url != self.base_url and not url.startswith(self.base_url + "/")]

    def csp_violations(self):
        return [text for text in self.console_errors if "Content Security Policy" in text]


@pytest.fixture
def browsing_log(forsa_server):
    return BrowsingLog(base_url=forsa_server.url)


@pytest.fixture
def new_context(browser, forsa_server, browsing_log):
    """Make a fresh browser context (desktop by default) whose traffic goes to the log."""
    contexts = []

    def make(**options):
        options = {"viewport": DESKTOP, "locale": "fr-FR", "timezone_id": "Africa/Casablanca"} | options
        context = browser.new_context(base_url=forsa_server.url, **options)
        context.set_default_timeout(10_000)
        context.on("request", lambda request: browsing_log.requests.append(request.url))
        context.on(
            "console",
            lambda message: browsing_log.console_errors.append(message.text) if message.type == "error" else None,
        )
        context.on("weberror", lambda error: browsing_log.page_errors.append(str(error.error)))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    # Checked after every test, whatever it browsed: nothing leaves the server, CSP holds.
    assert not browsing_log.foreign_requests(), browsing_log.foreign_requests()
    assert not browsing_log.csp_violations(), browsing_log.csp_violations()
    assert not browsing_log.page_errors, browsing_log.page_errors


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def phone_page(new_context):
    """A 360 x 740 phone screen."""
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


# ---------------------------------------------------------------------------
# What every test does: sign in, choose the language


def _choose_language(page, code):
    if page.locator("html").get_attribute("lang") == code:
        return  # the switch offers the other languages only
    with page.expect_navigation():  # one tap: each other language is a button
        page.click(f"form.langswitch button[value={code}]")
    page.wait_for_selector(f'html[lang="{code}"]', state="attached")


@pytest.fixture
def choose_language():
    """Switch the interface language with the selector in the header."""
    return _choose_language


@pytest.fixture
def sign_in(forsa_server):
    """Sign in through the login form; end on the dashboard in ``language``.

    The language is saved on the user, so a test that switched it (and failed
    before switching back) must not leave the next one in Arabic: it is set
    here whatever it was.
    """

    def sign_in(page, email, *, language="fr"):
        page.goto("/accounts/login/")
        login = page.locator("main form")
        login.locator("input[name=username]").fill(email)
        login.locator("input[name=password]").fill(forsa_server.demo.password)
        with page.expect_navigation():
            login.locator("button[type=submit]").click()
        assert page.url == f"{forsa_server.url}/", f"still on {page.url} after signing in"
        if page.locator("html").get_attribute("lang") != language:
            _choose_language(page, language)
        return page

    return sign_in


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

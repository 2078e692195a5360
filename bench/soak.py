"""Load and fault drill: mixed traffic against gunicorn, PostgreSQL and Redis, a killed
worker, a Redis outage, a database outage, and a check that nothing acknowledged was
lost and that no reader got a page older than the database.

    python bench/soak.py                  # about 60 s of steady traffic, then the faults
    python bench/soak.py --seconds 15     # a shorter run

It needs a local PostgreSQL cluster it may stop and start (run it as root, or
as the cluster's owner) and the ``redis-server`` program; it must never be
pointed at a server that anyone else relies on, since the drill stops
PostgreSQL for a few seconds. It runs a Redis of its own, which it stops too.

1. Starts its own Redis on a free loopback port, in a temporary folder.
   Creates a fresh database (``strategy_soak``), migrates it, loads the demo and
   adds the drill's accounts: reviewers, an editor and three page managers, each
   manager with a page of their own carrying a measure.
2. Starts gunicorn with deploy/gunicorn.conf.py (``DJANGO_ENV=production``,
   that Redis as its cache, the static files collected into a temporary folder)
   on a free loopback port. Every account signs in through the site's sign-in page.
3. Client threads send mixed traffic, by request: 80 % anonymous public reads,
   10 % review comments (the strategy page, then its review form posted) and
   10 % data-point edits (a measure's admin change form, posted back with its
   hidden fields and version stamp plus one new data point). Every write
   carries a unique marker.
4. Phases: *steady*; *worker kill* (SIGKILL one gunicorn worker; gunicorn
   starts another); *cache outage* (Redis shut down, keeping its keys on disk,
   down for ``--cache-outage-seconds`` while the traffic writes, started again
   with its keys); *database outage* (PostgreSQL stopped, down for
   ``--outage-seconds``, started again); *recovery*. Just before Redis goes
   down, as soon as it is back and again at the end, every page that shows the
   drill's writes is read as an anonymous visitor would, twice, and must show
   the newest of them that the database holds.
5. Checks that each acknowledged write is in the database, that no row is
   half-written, and prints requests and errors by status per phase.

Exit status 1 when a target is missed: a 5xx or a dropped connection in the
steady phase, a 500 (or any 5xx but a clean 503) or a stack trace anywhere, a
503 that is not the "briefly unavailable" page with Retry-After, a save
acknowledged while Redis was down, or none refused then, a page that needs no
cache failing then, a save answered "not saved" that was stored, a page older
than the database, no 503 seen while the database was down, the killed worker
not replaced, no recovery within ``--recovery-timeout`` seconds of PostgreSQL
accepting connections, a 5xx after recovery, a lost acknowledged write, or a
half-written row.
"""

# Load generation picks pages at random, and runs pg_ctlcluster, gunicorn and
# collectstatic by name from the current environment.
# ruff: noqa: S311, S603, S607

from __future__ import annotations

import argparse
import datetime
import http.client
import io
import os
import queue
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    free_port,
    median_and_p95,
    start_app_server,
    stop_app_server,
    wait_until_up,
    worker_pids,
)

PHASES = ("steady", "worker kill", "cache outage", "database outage", "recovery")
# What a page must never show, whatever went wrong.
TRACE_MARKERS = (
    b"Traceback (most recent call last)",
    b'id="traceback"',
    b"OperationalError",
    b"InterfaceError",
    b"psycopg",
)
UNAVAILABLE_TITLE = b"The site is briefly unavailable"
# The 503 page of a save refused, and rolled back, because Redis cannot be reached.
NOT_SAVED = b"your change was not saved"
# The kinds of request that write: the posts of reviews and of data points.
WRITE_POSTS = ("review post", "edit post")
SEARCH_WORDS = ("naloxone", "opioid", "police", "treatment", "prescription", "pharmacy", "school")


# -- HTTP ---------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int | None  # None: no answer (connection refused, reset, timed out)
    error: str
    headers: dict[str, str]
    body: bytes
    started: float
    finished: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Browser:
    """One visitor: its own cookies (sent whatever their Secure flag), one request at a time."""

    def __init__(self, host: str, port: int, timeout: float, keeps_cookies: bool = True):
        self.host, self.port, self.timeout = host, port, timeout
        self.keeps_cookies = keeps_cookies
        self.cookies: dict[str, str] = {}
        self.username = ""
        self.password = ""

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None) -> Reply:
        headers = {
            "Host": f"{self.host}:{self.port}",
            "User-Agent": "strategy-maps-soak",
            "Accept": "text/html,application/json;q=0.9,*/*;q=0.8",
            "Connection": "close",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        started = time.monotonic()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            kind = "timeout" if isinstance(error, TimeoutError) else type(error).__name__
            return Reply(None, kind, {}, b"", started, time.monotonic())
        finally:
            connection.close()
        if self.keeps_cookies:
            for header in response.headers.get_all("Set-Cookie") or []:
                self._keep(header)
        answer = {name.lower(): value for name, value in response.getheaders()}
        return Reply(response.status, "", answer, data, started, time.monotonic())

    def _keep(self, header: str) -> None:
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel.value == "" or morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


@dataclass
class Form:
    id: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)

    def set(self, name: str, value: str) -> None:
        self.fields = [(key, old) for key, old in self.fields if key != name] + [(name, value)]


class FormReader(HTMLParser):
    """The forms of a page with what a browser would post: inputs, selected options, textareas."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, bool, list[str], list[str]] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = Form(attrs.get("id") or "", attrs.get("action") or "")
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form.fields.append((attrs["name"], attrs.get("value") or "on"))
                return
            self._form.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select" and attrs.get("name"):
            self._select = (attrs["name"], "multiple" in attrs, [], [])
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            self._select[3].append(value)
            if "selected" in attrs:
                self._select[2].append(value)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = (attrs["name"], [])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, chosen, options = self._select
            if not chosen and not multiple and options:
                chosen = options[:1]
            self._form.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            text = "".join(parts)
            self._form.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def find_form(html: bytes, *, form_id: str = "", having: str = "") -> Form | None:
    for form in FormReader(html.decode("utf-8", "replace")).forms:
        if (form_id and form.id == form_id) or (having and form.get(having) is not None):
            return form
    return None


# -- What happened ------------------------------------------------------------------------


@dataclass
class Record:
    phase: str
    kind: str
    path: str
    status: int | None
    error: str
    started: float
    finished: float
    problems: tuple[str, ...]


def problems_of(kind: str, path: str, reply: Reply) -> tuple[str, ...]:
    """What is wrong with an answer whatever the phase: a stack trace, an unclean 503, a
    public page that is not found or refused (a read is of a page that exists)."""
    found = []
    if kind == "read" and reply.status is not None and 400 <= reply.status < 500:
        found.append(f"{reply.status} on a public page")
    if any(marker in reply.body for marker in TRACE_MARKERS):
        found.append("stack trace")
    if reply.status == 503:
        retry_after = reply.headers.get("retry-after", "")
        if path.startswith("/healthz"):
            clean = b'"unavailable"' in reply.body
        elif path.startswith("/api/"):
            clean = b'"detail"' in reply.body and retry_after.isdigit()
        else:
            clean = (
                UNAVAILABLE_TITLE in reply.body
                and retry_after.isdigit()
                and reply.headers.get("content-type", "").startswith("text/html")
            )
        if not clean:
            found.append("unclean 503")
    return tuple(found)


class Log:
    """Every answer, under the phase in which its request was sent."""

    def __init__(self, max_requests: int):
        self.lock = threading.Lock()
        self.records: list[Record] = []
        self.phases = [(0.0, PHASES[0])]  # (from when, phase)
        self.max_requests = max_requests
        self.capped = False

    def set_phase(self, phase: str, since: float) -> None:
        self.phases.append((since, phase))

    def phase_at(self, moment: float) -> str:
        return next(phase for since, phase in reversed(self.phases) if since <= moment)

    def add(self, kind: str, path: str, reply: Reply) -> None:
        record = Record(
            self.phase_at(reply.started),
            kind,
            path,
            reply.status,
            reply.error,
            reply.started,
            reply.finished,
            problems_of(kind, path, reply),
        )
        with self.lock:
            self.records.append(record)
            if len(self.records) >= self.max_requests:
                self.capped = True


@dataclass
class Write:
    kind: str  # "review" or "data point"
    username: str
    marker: str
    strategy_slug: str = ""
    measure_id: int = 0
    period: str = ""
    value: int = 0
    outcome: str = ""  # acknowledged, conflict, refused, not saved, unavailable, failed
    sent: float = 0.0  # when the post was sent and answered (time.monotonic)
    answered: float = 0.0


# -- The drill's site ---------------------------------------------------------------------


@dataclass
class AdminSlot:
    """A signed-in page manager or editor and the measures of the one page they edit."""

    browser: Browser
    measures: list[tuple[int, str]]  # each measure's id and the address of its admin form
    points: int = 0


@dataclass
class Site:
    reads: list[str]
    review_pages: list[str]
    scorecard_downloads: dict[str, str]  # each admin-edited page's slug: its CSV's address
    reviewers: queue.Queue
    admins: queue.Queue
    probes: dict[str, tuple[Browser, str]]
    browsers: list[Browser]


def setup_database(args) -> dict:
    """Migrate, load the demo and add the drill's accounts and pages; the site's URLs to read."""
    import reversion
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connections
    from django.urls import reverse

    from accounts import roles
    from base.revisions import recorded_change
    from programs.models import Program
    from scorecards.models import Measure, Objective, Partner
    from strategy.models import Strategy, StrategyMap

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    users = get_user_model().objects
    password = secrets.token_urlsafe(18)

    def account(username, role, staff=False):
        user = users.create_user(username, password=password, is_staff=staff)
        user.first_name, user.last_name = "Soak", username.rsplit("-", 1)[-1].title()
        user.save(update_fields=["first_name", "last_name"])
        user.groups.add(Group.objects.get(name=role))
        return user

    reviewers = [account(f"soak-reviewer-{n}", roles.REVIEWERS) for n in range(args.reviewers)]
    editor = account("soak-editor", roles.EDITORS, staff=True)
    probe_reviewer = account("soak-probe-reviewer", roles.REVIEWERS)
    probe_editor = account("soak-probe-editor", roles.EDITORS, staff=True)

    published = Strategy.objects.filter(status=Strategy.Status.PUBLISHED).order_by("slug")
    featured = Measure.objects.order_by("pk").values_list("objective__strategy", flat=True).first()
    slots = [(editor, Strategy.objects.get(pk=featured))]
    unmanaged = list(published.filter(page_manager=None).exclude(pk=featured))[:3]
    for n, page in enumerate(unmanaged, start=1):
        manager = account(f"soak-manager-{n}", roles.PAGE_MANAGERS, staff=True)
        with recorded_change(user=editor, comment="Page for the load drill"):
            page.page_manager = manager
            page.save()
            objective = Objective.objects.create(strategy=page, title="Reach more people")
            Measure.objects.create(
                objective=objective,
                name=f"People reached ({manager.username})",
                unit="people",
                target_value=1000,
            )
            reversion.add_to_revision(page)
        slots.append((manager, page))
    # The admin's address is a setting (DJANGO_ADMIN_PATH): every address is reversed.
    admin_slots = [
        (
            user.username,
            [
                (pk, reverse("admin:scorecards_measure_change", args=[pk]))
                for pk in Measure.objects.filter(objective__strategy=page)
                .order_by("pk")
                .values_list("pk", flat=True)
            ],
        )
        for user, page in slots
    ]

    public = Strategy.objects.public().order_by("slug")
    slugs = list(public.values_list("slug", flat=True))
    with_measures = list(
        public.filter(objectives__measures__isnull=False).distinct().values_list("slug", flat=True)
    )

    def each(name, slugs):
        return [reverse(name, args=[slug]) for slug in slugs]

    reads = [reverse("strategy:home")] * 4
    reads += [strategy_map.get_absolute_url() for strategy_map in StrategyMap.objects.all()]
    reads += each("strategy:strategy-detail", slugs) * 3
    reads += each("scorecards:scorecard", with_measures) * 2
    reads += each("strategy:strategy-history", with_measures)
    reads += each("embed:scorecard", with_measures)
    reads += each("scorecards:scorecard-csv", with_measures) + [reverse("scorecards:all-csv")]
    reads += [reverse("programs:list")] + [
        program.get_absolute_url() for program in Program.objects.all()
    ]
    reads += [reverse("scorecards:partner-list")] + [
        partner.get_absolute_url() for partner in Partner.objects.all()
    ]
    reads += [f"{reverse('strategy:search')}?q={word}" for word in SEARCH_WORDS]
    reads += [reverse(name) for name in ("api:index", "api:map-list", "api:strategy-list")]
    reads += [reverse("api:program-list")]
    reads += each("api:strategy-detail", slugs) + each("api:strategy-scorecard", with_measures)
    # Every data point, with its note, is in its page's CSV.
    downloads = {
        page.slug: reverse("scorecards:scorecard-csv", args=[page.slug]) for _, page in slots
    }
    connections.close_all()
    return {
        "password": password,
        "reviewers": [user.username for user in reviewers],
        "admin_slots": admin_slots,
        "probe_reviewer": probe_reviewer.username,
        "probe_editor": probe_editor.username,
        "reads": reads,
        "admin": reverse("admin:index"),
        "review_pages": [page.slug for page in published],
        "scorecard_downloads": downloads,
    }


def sign_in(browser: Browser, log: Log) -> bool:
    """Sign in through the site's sign-in page, as a person would."""
    page = browser.request("GET", "/accounts/login/")
    log.add("sign-in", "/accounts/login/", page)
    form = find_form(page.body, having="username") if page.status == 200 else None
    if form is None:
        return False
    form.set("username", browser.username)
    form.set("password", browser.password)
    reply = browser.request("POST", "/accounts/login/", form.fields)
    log.add("sign-in", "/accounts/login/", reply)
    return reply.status == 302 and "sessionid" in browser.cookies


# -- Traffic ------------------------------------------------------------------------------


class Traffic:
    def __init__(self, args, site: Site, log: Log, run_id: str, server: tuple[str, int]):
        self.args, self.site, self.log, self.run_id = args, site, log, run_id
        self.server = server
        self.stop = threading.Event()
        self.writes: list[Write] = []
        self.lock = threading.Lock()
        self.counter = 0
        self.sign_ins = 0
        self.crashes: list[str] = []
        self.unloaded = Counter()  # writes not tried: their form did not load
        # While set, threads read instead of writing; ``writing`` counts writes under way.
        self.writes_paused = threading.Event()
        self.writing = 0
        # By request: each write is two requests (its form, then the post).
        read_share = args.read_share
        write_actions = (1 - read_share) / 2  # requests per action: 1 for a read, 2 for a write
        self.read_probability = read_share / (read_share + write_actions)

    def next_number(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def run(self, seed: int) -> None:
        rng = random.Random(seed)
        anonymous = Browser(*self.server, self.args.timeout, keeps_cookies=False)
        try:
            while not self.stop.is_set() and not self.log.capped:
                if rng.random() < self.read_probability:
                    self.read(rng, anonymous)
                elif rng.random() < 0.5:
                    self.with_pooled(self.site.reviewers, rng, anonymous, self.review)
                else:
                    self.with_pooled(self.site.admins, rng, anonymous, self.edit_data_point)
        except Exception as error:  # noqa: BLE001 - reported as a missed target
            with self.lock:
                self.crashes.append(f"{type(error).__name__}: {error}")

    def read(self, rng, anonymous: Browser) -> None:
        path = rng.choice(self.site.reads)
        self.log.add("read", path, anonymous.request("GET", path))

    def with_pooled(self, pool: queue.Queue, rng, anonymous: Browser, action) -> None:
        with self.lock:
            paused = self.writes_paused.is_set()
            if not paused:
                self.writing += 1
        if paused:
            self.read(rng, anonymous)
            return
        try:
            try:
                item = pool.get_nowait()
            except queue.Empty:  # every such account is busy: read instead
                self.read(rng, anonymous)
                return
            try:
                action(rng, item)
            finally:
                pool.put(item)
        finally:
            with self.lock:
                self.writing -= 1

    def pause_writes(self) -> None:
        """Stop starting writes, and wait for those under way to be answered."""
        self.writes_paused.set()
        while True:
            with self.lock:
                if not self.writing:
                    return
            time.sleep(0.01)

    def signed_out(self, browser: Browser, reply: Reply) -> bool:
        """A redirect to a sign-in page: sign in again (the session was lost)."""
        if reply.status == 302 and "login" in reply.location:
            with self.lock:
                self.sign_ins += 1
            sign_in(browser, self.log)
            return True
        return False

    def review(self, rng, browser: Browser) -> None:
        slug = rng.choice(self.site.review_pages)
        path = f"/strategies/{slug}/"
        page = browser.request("GET", path)
        self.log.add("review form", path, page)
        if self.signed_out(browser, page) or page.status != 200:
            with self.lock:
                self.unloaded["review"] += 1
            return
        form = find_form(page.body, form_id="review-form")
        if form is None:
            raise RuntimeError(f"{browser.username} was offered no review form on {path}")
        write = Write(
            "review",
            browser.username,
            f"soak {self.run_id} review {self.next_number()}",
            strategy_slug=slug,
        )
        form.set("comments", write.marker)
        reply = browser.request("POST", form.action, form.fields)
        self.log.add("review post", form.action, reply)
        write.outcome = self.outcome(reply, lambda: reply.location.startswith(path))
        self.keep(write, reply)

    def edit_data_point(self, rng, slot: AdminSlot) -> None:
        browser = slot.browser
        measure_id, path = slot.measures[slot.points % len(slot.measures)]
        page = browser.request("GET", path)
        self.log.add("edit form", path, page)
        if self.signed_out(browser, page) or page.status != 200:
            with self.lock:
                self.unloaded["data point"] += 1
            return
        form = find_form(page.body, form_id="measure_form")
        if form is None or form.get("loaded_version") is None:
            raise RuntimeError(f"{browser.username} got no measure form with a version stamp")
        form.fields = [(name, value) for name, value in form.fields if "__prefix__" not in name]
        row = f"data_points-{form.get('data_points-INITIAL_FORMS')}"
        if form.get(f"{row}-period") is None:
            raise RuntimeError(f"The measure form of {path} has no empty data-point row")
        slot.points += 1
        number = self.next_number()
        write = Write(
            "data point",
            browser.username,
            f"soak {self.run_id} point {number}",
            measure_id=measure_id,
            # A day per write, unique for the measure whichever writes succeed.
            period=(datetime.date(1990, 1, 1) + datetime.timedelta(days=slot.points)).isoformat(),
            value=number,
        )
        form.set(f"{row}-period", write.period)
        form.set(f"{row}-value", str(write.value))
        form.set(f"{row}-note", write.marker)
        form.fields.append(("_save", "Save"))
        reply = browser.request("POST", path, form.fields)
        self.log.add("edit post", path, reply)
        write.outcome = self.outcome(reply, lambda: reply.location.endswith("/measure/"))
        self.keep(write, reply)

    @staticmethod
    def outcome(reply: Reply, redirected_as_expected) -> str:
        if reply.status == 302 and redirected_as_expected():
            return "acknowledged"
        if reply.status == 200:
            return "conflict" if b"Not saved:" in reply.body else "refused"
        if reply.status == 503:
            return "not saved" if NOT_SAVED in reply.body else "unavailable"
        return "failed"

    def keep(self, write: Write, reply: Reply) -> None:
        write.sent, write.answered = reply.started, reply.finished
        with self.lock:
            self.writes.append(write)


# -- The server and the database ----------------------------------------------------------


def cluster(args) -> tuple[str, str]:
    if args.pg_cluster:
        version, name = args.pg_cluster.split("/")
        return version, name
    versions = sorted(os.listdir("/etc/postgresql"))
    if len(versions) != 1:
        raise SystemExit("Name the PostgreSQL cluster to stop with --pg-cluster VERSION/NAME.")
    return versions[0], "main"


def pg_ctl(args, action: str) -> float:
    started = time.monotonic()
    version, name = cluster(args)
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action],
        check=True,
        capture_output=True,
    )
    return time.monotonic() - started


def pg_ready(args) -> bool:
    parts = urllib.parse.urlsplit(args.pg_url)
    command = ["pg_isready", "-q", "-h", parts.hostname, "-p", str(parts.port or 5432)]
    return subprocess.run(command, check=False).returncode == 0


def admin_connection(args):
    import psycopg2

    connection = psycopg2.connect(args.pg_url.rstrip("/") + "/postgres")
    connection.autocommit = True
    return connection


def recreate_database(args, drop_only: bool = False) -> None:
    connection = admin_connection(args)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{args.database}"')
    connection.close()


class RedisServer:
    """The drill's own Redis, on a free loopback port, which it stops and starts again.

    Stopped with SHUTDOWN SAVE, it writes its keys to its folder and loads them
    when it starts again: the cached pages and the content version outlive the
    outage, as they do when only the network to Redis fails, so a page older
    than the database would be served if the site let it.
    """

    def __init__(self, program: str, folder: Path):
        path = shutil.which(program)
        if path is None:
            raise SystemExit(f"{program} not found: the drill runs a Redis of its own.")
        self.program, self.folder = path, folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        folder.mkdir()

    def client(self):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # No retries: they would wait out a shutdown that closes the connection, as it should.
        return redis.Redis(
            host="127.0.0.1", port=self.port, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)
        )

    def answers(self) -> bool:
        import redis

        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def start(self) -> float:
        """Start it, with the keys it saved when stopped; the seconds until it answers."""
        started = time.monotonic()
        self.process = subprocess.Popen(
            [self.program, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--dir", str(self.folder), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() - started > 10:
                raise SystemExit("redis-server did not start")
            time.sleep(0.02)
        return time.monotonic() - started

    def stop(self) -> float:
        """Shut it down, saving its keys; the seconds it took."""
        started = time.monotonic()
        self.client().shutdown(save=True)
        self.process.wait(10)
        return time.monotonic() - started

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


# -- The checks afterwards ----------------------------------------------------------------


def verify_writes(writes: list[Write], run_id: str, started_at: datetime.datetime) -> dict:
    """Each acknowledged write is stored; no row is half-written."""
    from django.db import connections
    from django.db.models import Count
    from reversion.models import Revision, Version

    from reviews.models import Review
    from scorecards.models import DataPoint
    from strategy.models import Strategy

    connections.close_all()
    result = {
        "lost": [],
        "duplicated": [],
        "half": Counter(),
        "stored_unacknowledged": 0,
        "stored_not_saved": 0,
    }

    reviews = {
        review.comments: review
        for review in Review.objects.filter(comments__startswith=f"soak {run_id} ")
        .select_related("reviewer", "strategy")
        .order_by()
    }
    points = {
        point.note: point
        for point in DataPoint.objects.filter(note__startswith=f"soak {run_id} ").select_related(
            "measure__objective__strategy"
        )
    }
    counts = Counter(
        Review.objects.filter(comments__startswith=f"soak {run_id} ").values_list(
            "comments", flat=True
        )
    ) + Counter(
        DataPoint.objects.filter(note__startswith=f"soak {run_id} ").values_list("note", flat=True)
    )
    result["duplicated"] = [marker for marker, count in counts.items() if count > 1]

    point_versions = {
        int(object_id): revision_id
        for object_id, revision_id in Version.objects.get_for_model(DataPoint)
        .filter(object_id__in=[str(point.pk) for point in points.values()])
        .values_list("object_id", "revision_id")
    }
    for write in writes:
        stored = reviews.get(write.marker) if write.kind == "review" else points.get(write.marker)
        if write.outcome != "acknowledged":
            result["stored_unacknowledged"] += stored is not None
            result["stored_not_saved"] += write.outcome == "not saved" and stored is not None
            continue
        if write.kind == "review":
            ok = (
                stored is not None
                and stored.reviewer.username == write.username
                and stored.strategy.slug == write.strategy_slug
            )
        else:
            ok = (
                stored is not None
                and stored.measure_id == write.measure_id
                and stored.period == write.period
                and stored.value == write.value
            )
        if not ok:
            result["lost"].append(write.marker)

    # Half-written rows, among everything the drill wrote (acknowledged or not).
    half = result["half"]
    for review in reviews.values():
        page = review.strategy
        # The page revision the reviewer read is stored with the review.
        half["review without its page revision"] += review.revision_id is None
        # The page's review date moves in the review's transaction.
        half["page's review date behind its review"] += (
            page.last_reviewed is None or page.last_reviewed < review.reviewed_on
        )
    for page in Strategy.objects.filter(reviews__in=[r.pk for r in reviews.values()]).distinct():
        half["page's review due date out of step"] += page.review_due != page.derived_review_due
    page_versions = set(
        Version.objects.get_for_model(Strategy).values_list("revision_id", "object_id")
    )
    revisions = {
        revision.pk: revision
        for revision in Revision.objects.filter(pk__in=set(point_versions.values()))
    }
    for point in points.values():
        revision_id = point_versions.get(point.pk)
        # Saved in the admin, a data point is in a revision of its whole page, with its author.
        half["data point without a revision"] += revision_id is None
        if revision_id is None:
            continue
        page_id = str(point.measure.objective.strategy_id)
        half["data point's revision without its page"] += (
            revision_id,
            page_id,
        ) not in page_versions
        half["data point's revision without its author"] += revisions[revision_id].user_id is None
    half["revision without versions"] += (
        Revision.objects.filter(date_created__gte=started_at)
        .annotate(versions=Count("version"))
        .filter(versions=0)
        .count()
    )
    result["stored"] = {"review": len(reviews), "data point": len(points)}
    connections.close_all()
    return result


# -- The drill ----------------------------------------------------------------------------


class Drill:
    def __init__(self, args):
        self.args = args
        self.run_id = secrets.token_hex(3)
        self.failures: list[str] = []
        self.warnings: list[str] = []
        self.notes: dict[str, object] = {}
        self.gunicorn: subprocess.Popen | None = None
        self.database_stopped = False
        self.tmp = Path(tempfile.mkdtemp(prefix="strategy-soak-"))
        self.redis = RedisServer(args.redis_server, self.tmp / "redis")
        self.server: tuple[str, int] = ("127.0.0.1", 0)
        self.log = Log(args.max_requests)
        self.marks: dict[str, float] = {}

    def say(self, text: str) -> None:
        print(text, flush=True)

    # setup

    def django_environment(self) -> dict:
        url = f"{self.args.pg_url.rstrip('/')}/{self.args.database}"
        return {"DATABASE_URL": url, "CACHE_URL": self.redis.url}

    def start_server(self, port: int) -> None:
        (self.tmp / "soak_settings.py").write_text(
            "from config.settings import *  # noqa: F403\n"
            f"STATIC_ROOT = {str(self.tmp / 'static')!r}\n"
        )
        env = {
            **os.environ,
            **self.django_environment(),
            "DJANGO_SETTINGS_MODULE": "soak_settings",
            "PYTHONPATH": os.pathsep.join([str(self.tmp), str(ROOT)]),
            "DJANGO_ENV": "production",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_LOG_LEVEL": "warning",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(self.args.workers),
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        self.server_log = (self.tmp / "gunicorn.log").open("wb")
        self.gunicorn = start_app_server(
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "config.wsgi",
            environment=env,
            output=self.server_log,
        )
        if wait_until_up(
            self.gunicorn,
            f"http://127.0.0.1:{port}/healthz",
            seconds=30,
            ready=lambda: len(worker_pids(self.gunicorn.pid)) == self.args.workers,
        ):
            return
        if self.gunicorn.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {self.tmp / 'gunicorn.log'}")
        raise SystemExit("gunicorn did not answer within 30 s")

    def setup(self) -> tuple[Site, tuple[str, int]]:
        if not pg_ready(self.args):
            raise SystemExit("PostgreSQL does not answer at " + self.args.pg_url)
        version, name = cluster(self.args)
        owner = Path(f"/etc/postgresql/{version}/{name}/postgresql.conf").stat().st_uid
        if os.geteuid() not in (0, owner):
            raise SystemExit("Run the drill as root or as the cluster owner: it stops PostgreSQL.")
        recreate_database(self.args)
        self.redis.start()
        os.environ.update(self.django_environment())
        os.environ.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_ENV="development")
        os.environ["DJANGO_DEBUG"] = "false"
        import django

        django.setup()
        from django.utils import timezone

        self.started_at = timezone.now()
        data = setup_database(self.args)
        port = free_port()
        self.start_server(port)
        server = self.server = ("127.0.0.1", port)

        def signed_in(username: str) -> Browser:
            browser = Browser(*server, self.args.timeout)
            browser.username, browser.password = username, data["password"]
            if not sign_in(browser, self.log):
                raise SystemExit(f"{username} could not sign in")
            return browser

        reviewers, admins = queue.Queue(), queue.Queue()
        browsers = []
        for username in data["reviewers"]:
            browsers.append(signed_in(username))
            reviewers.put(browsers[-1])
        for username, measures in data["admin_slots"]:
            browsers.append(signed_in(username))
            admins.put(AdminSlot(browsers[-1], [tuple(measure) for measure in measures]))
        anonymous = Browser(*server, self.args.timeout, keeps_cookies=False)
        probes = {
            "anonymous search": (anonymous, "/search/?q=soak-{n}"),
            "reviewer's dashboard": (signed_in(data["probe_reviewer"]), "/reviews/"),
            "editor's admin": (signed_in(data["probe_editor"]), data["admin"]),
        }
        browsers += [browser for browser, _ in probes.values() if browser.username]
        site = Site(
            data["reads"],
            data["review_pages"],
            data["scorecard_downloads"],
            reviewers,
            admins,
            probes,
            browsers,
        )
        self.log.records.clear()  # the sign-ins are not part of the traffic
        return site, server

    # faults

    def probe(self, site: Site, number: int) -> list[tuple[str, Reply]]:
        """One request by each probe: pages that need the database, whoever asks."""
        replies = []
        for browser, path in site.probes.values():
            path = path.format(n=number)
            reply = browser.request("GET", path)
            self.log.add("probe", path, reply)
            replies.append((path, reply))
        return replies

    def kill_worker(self) -> None:
        before = worker_pids(self.gunicorn.pid)
        victim = random.choice(sorted(before))
        killed = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        replaced = None
        while time.monotonic() - killed < 10:
            now = worker_pids(self.gunicorn.pid)
            if victim not in now and len(now) == self.args.workers:
                replaced = time.monotonic() - killed
                self.notes["new worker"] = sorted(now - before)
                break
            time.sleep(0.05)
        self.notes["killed worker"] = victim
        self.notes["replaced after"] = replaced
        self.marks["killed"] = killed
        if replaced is None:
            self.failures.append(f"gunicorn did not replace worker {victim} within 10 s")

    def cache_outage(self, site: Site, traffic: Traffic) -> None:
        """Shut Redis down while the traffic writes, start it again with its keys, and check
        at once that no page is older than the database.

        Writes pause while the pages are read, just before the outage (so that they are
        in the cache, as a page read often is) and just after it: every save moves the
        content version on, and so would empty the cache before the outage and hide a
        stale page after it, where on a real site the next save may be hours away.
        """
        traffic.pause_writes()
        self.check_freshness(site, "before Redis went down")
        self.notes["redis stop took"] = self.redis.stop()
        self.marks["redis down"] = time.monotonic()
        traffic.writes_paused.clear()
        self.sleep(self.args.cache_outage_seconds)
        traffic.pause_writes()
        self.notes["redis down for"] = time.monotonic() - self.marks["redis down"]
        self.notes["redis start took"] = self.redis.start()
        self.marks["redis back"] = time.monotonic()
        self.check_freshness(site, "once Redis was back")
        traffic.writes_paused.clear()

    def check_freshness(self, site: Site, moment: str) -> None:
        """Each page that shows the drill's writes, read by an anonymous visitor twice (the
        second may come from the cache), shows the newest of them the database holds."""
        # Every page that may show them is read, so that each is in the cache afterwards.
        from django.db import connections

        from reviews.models import Review
        from scorecards.models import DataPoint

        mine = f"soak {self.run_id} "
        newest = {}  # a page's address: the marker of the newest write it must show
        for slug in site.review_pages:
            reviews = Review.objects.filter(strategy__slug=slug, comments__startswith=mine)
            newest[f"/strategies/{slug}/"] = (
                reviews.order_by("-pk").values_list("comments", flat=True).first()
            )
        for slug, path in site.scorecard_downloads.items():
            points = DataPoint.objects.filter(
                measure__objective__strategy__slug=slug, note__startswith=mine
            )
            newest[path] = points.order_by("-pk").values_list("note", flat=True).first()
        connections.close_all()
        visitor = Browser(*self.server, self.args.timeout, keeps_cookies=False)
        read, stale = 0, []
        for path, marker in newest.items():
            for _ in range(2):
                reply = visitor.request("GET", path)
                self.log.add("freshness", path, reply)
                read += 1
                if marker and reply.status == 200 and marker.encode() not in reply.body:
                    how = reply.headers.get("x-page-cache", "rendered")
                    stale.append(f"{path} ({how}, without “{marker}”)")
        self.notes.setdefault("freshness", []).append((moment, read, stale))
        if stale:
            self.failures.append(
                f"{moment}: {len(stale)} of {read} reads got a page older than the database "
                f"(first: {stale[0]})"
            )

    def database_outage(self, site: Site) -> None:
        args = self.args
        self.database_stopped = True
        self.notes["stop took"] = pg_ctl(args, "stop")
        down_since = time.monotonic()
        number, clean = 0, []
        while time.monotonic() - down_since < args.outage_seconds:
            number += 1
            clean += [
                reply.status == 503 and not problems_of("probe", path, reply)
                for path, reply in self.probe(site, number)
            ]
            time.sleep(0.5)
        self.notes["down for"] = time.monotonic() - down_since
        self.notes["outage probes"] = (sum(clean), len(clean))
        self.notes["start took"] = pg_ctl(args, "start")
        while not pg_ready(args):
            time.sleep(0.05)
        self.database_stopped = False
        self.marks["database back"] = time.monotonic()

    def await_recovery(self, site: Site) -> None:
        back = self.marks["database back"]
        number = 10_000
        while time.monotonic() - back < self.args.recovery_timeout:
            number += 1
            if all(reply.status == 200 for _, reply in self.probe(site, number)):
                self.marks["recovered"] = time.monotonic()
                self.notes["recovered after"] = self.marks["recovered"] - back
                return
            time.sleep(0.25)
        self.failures.append(
            f"no recovery: pages still failing {self.args.recovery_timeout:g} s after "
            "PostgreSQL accepted connections again"
        )

    # the run

    def run(self) -> int:
        args = self.args
        self.say(f"Load and fault drill {self.run_id}: setting up database {args.database} …")
        site, server = self.setup()
        self.say(
            f"gunicorn on {server[0]}:{server[1]} with {args.workers} workers "
            f"(pids {', '.join(map(str, sorted(worker_pids(self.gunicorn.pid))))}), "
            f"{args.threads} client threads, {len(site.browsers)} accounts signed in"
        )
        traffic = Traffic(args, site, self.log, self.run_id, server)
        threads = [
            threading.Thread(target=traffic.run, args=(args.seed + n,), daemon=True)
            for n in range(args.threads)
        ]
        self.marks["start"] = time.monotonic()
        for thread in threads:
            thread.start()

        self.say(f"steady: {args.seconds:g} s of mixed traffic")
        self.sleep(args.seconds)
        self.set_phase("worker kill")
        self.kill_worker()
        self.say(
            f"worker kill: SIGKILL to worker {self.notes['killed worker']}; replaced after "
            + (
                f"{self.notes['replaced after']:.2f} s"
                if self.notes["replaced after"] is not None
                else "(not replaced)"
            )
        )
        self.sleep(args.kill_seconds - (time.monotonic() - self.marks["killed"]))
        self.set_phase("cache outage")
        self.say(f"cache outage: shutting Redis down for {args.cache_outage_seconds:g} s")
        self.cache_outage(site, traffic)
        _, read, stale = self.notes["freshness"][-1]
        self.say(
            f"cache outage: Redis back after {self.notes['redis down for']:.1f} s; "
            f"{read} reads of the pages showing its writes, {len(stale)} older than the database"
        )
        self.set_phase("database outage")
        self.say(f"database outage: stopping PostgreSQL for {args.outage_seconds:g} s")
        self.database_outage(site)
        self.set_phase("recovery")
        self.await_recovery(site)
        self.say(
            "recovery: pages answer again "
            + (
                f"{self.notes['recovered after']:.2f} s after PostgreSQL accepted connections"
                if "recovered" in self.marks
                else "(not within the timeout)"
            )
        )
        self.sleep(args.recovery_seconds - (time.monotonic() - self.marks["database back"]))
        self.check_freshness(site, "at the end")
        self.marks["end"] = time.monotonic()
        traffic.stop.set()
        for thread in threads:
            thread.join(args.timeout + 5)
        if traffic.crashes:
            self.failures.append(f"client threads stopped: {'; '.join(traffic.crashes)}")
        # Signed-in sessions outlived the outage (they are stored in the database).
        after = [browser.request("GET", "/reviews/").status for browser in site.browsers]
        self.notes["sessions kept"] = f"{after.count(200)} of {len(after)}"

        self.stop_server()
        self.say("checking the database …")
        verified = verify_writes(traffic.writes, self.run_id, self.started_at)
        self.report(traffic, verified)
        return 1 if self.failures else 0

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + max(0.0, seconds)
        while time.monotonic() < deadline and not self.log.capped:
            time.sleep(min(0.2, deadline - time.monotonic()))
        if self.log.capped and "capped" not in self.notes:
            self.notes["capped"] = True
            self.say(f"request cap ({self.args.max_requests}) reached: traffic stopped")

    def set_phase(self, phase: str) -> None:
        self.marks[phase] = time.monotonic()
        self.log.set_phase(phase, self.marks[phase])

    # the report

    def report(self, traffic: Traffic, verified: dict) -> None:
        self.report_answers(traffic)
        self.report_writes(traffic, verified)
        print()
        print(
            f"server log: {self.notes['logged 503']} requests answered 503 for the database, "
            f"{self.notes['logged not saved']} saves refused with 503 for Redis, "
            f"{self.notes['logged late']} saves whose after-commit step missed Redis, "
            f"{self.notes['logged 500']} internal server errors, "
            f"{self.notes['gunicorn errors']} errors in a streamed answer (gunicorn), "
            f"{self.notes['timeouts']} worker timeouts"
        )
        for warning in self.warnings:
            print(f"warning: {warning}")
        if self.failures:
            print("RESULT: FAILED")
            for failure in self.failures:
                print(f"  - {failure}")
        else:
            print("RESULT: passed (every target met)")

    def report_answers(self, traffic: Traffic) -> None:
        records = list(self.log.records)
        marks = self.marks
        bounds = {
            "steady": (marks["start"], marks["worker kill"]),
            "worker kill": (marks["worker kill"], marks["cache outage"]),
            "cache outage": (marks["cache outage"], marks["database outage"]),
            "database outage": (marks["database outage"], marks["database back"]),
            "recovery": (marks["database back"], marks["end"]),
        }
        print()
        print(
            f"{'phase':<16}{'seconds':>8}{'requests':>10}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
            "  errors by status"
        )
        for phase in PHASES:
            rows = [record for record in records if record.phase == phase]
            start, end = bounds[phase]
            seconds = max(end - start, 1e-9)
            latencies = [(r.finished - r.started) * 1000 for r in rows if r.status]
            p50, p95 = median_and_p95(latencies) if latencies else (0, 0)
            errors = Counter(
                str(r.status) if r.status else f"no answer ({r.error})"
                for r in rows
                if not r.status or r.status >= 400
            )
            print(
                f"{phase:<16}{seconds:>8.1f}{len(rows):>10}{len(rows) / seconds:>8.1f}"
                f"{p50:>8.0f}{p95:>8.0f}  {describe(errors) or 'none'}"
            )
        print(f"{'total':<16}{'':>8}{len(records):>10}")
        steady_kinds = Counter(record.kind for record in records if record.phase == "steady")
        share = {kind: count / max(steady_kinds.total(), 1) for kind, count in steady_kinds.items()}
        print(
            f"steady mix: {share.get('read', 0):.0%} public reads, "
            f"{share.get('review form', 0) + share.get('review post', 0):.0%} reviews "
            f"(page, then form posted), "
            f"{share.get('edit form', 0) + share.get('edit post', 0):.0%} data-point edits "
            f"(admin form, then posted); signed in again during the run: {traffic.sign_ins}"
        )
        for phase in ("steady", "recovery"):
            print(
                f"{phase} latency p50/p95 ms: "
                + ", ".join(
                    f"{kind} {p50:.0f}/{p95:.0f}"
                    for kind, (p50, p95) in sorted(latencies_by_kind(records, phase).items())
                )
            )
        unanswered = Counter(path_kind(r.path) for r in records if r.status is None)
        if unanswered:
            print(f"no answer, by address: {describe(unanswered)}")
        # A streamed answer whose query fails after its first line went out is cut
        # off: the status line said 200 and no 503 page can follow.
        cut = Counter(
            path_kind(r.path)
            for r in records
            if r.error == "IncompleteRead" and r.phase in ("database outage", "recovery")
        )
        if cut:
            self.warnings.append(
                f"answers cut off mid-body while the database was down: {describe(cut)} "
                "(a streamed download that reads the database only after it starts)"
            )

        # Targets on answers.
        steady = [
            r
            for r in records
            if r.phase == "steady" and r.finished < marks.get("killed", marks["worker kill"])
        ]
        bad = Counter(str(r.status) if r.status else r.error for r in steady if not ok(r))
        if bad:
            self.failures.append(f"steady phase: errors {describe(bad)}")
        not_503 = Counter(str(r.status) for r in records if r.status and r.status >= 500)
        not_503.pop("503", None)
        if not_503:
            self.failures.append(f"5xx other than 503: {describe(not_503)}")
        traces = sum("stack trace" in r.problems for r in records)
        if traces:
            self.failures.append(f"{traces} answers showed a stack trace or error details")
        unclean = [r for r in records if "unclean 503" in r.problems]
        if unclean:
            self.failures.append(
                f"{len(unclean)} 503 answers were not the clean page with Retry-After "
                f"(first: {unclean[0].path})"
            )
        outage = [r for r in records if r.phase == "database outage"]
        outage_503 = sum(r.status == 503 for r in outage)
        clean_probes, probes = self.notes.get("outage probes", (0, 0))
        if not outage_503 or clean_probes != probes:
            self.failures.append(
                f"while the database was down: {outage_503} answers were 503 and "
                f"{clean_probes} of {probes} probes answered a clean 503"
            )
        if "recovered" in marks:
            late = Counter(
                str(r.status)
                for r in records
                if r.started > marks["recovered"] and r.status and r.status >= 500
            )
            if late:
                self.failures.append(f"5xx after recovery: {describe(late)}")
        cut_off = sum(
            1
            for r in records
            if r.status is None and marks["killed"] <= r.finished < marks["cache outage"]
        )

        print()
        version, name = cluster(self.args)
        print(
            f"worker kill: worker {self.notes['killed worker']} killed; "
            + (
                f"gunicorn started worker {', '.join(map(str, self.notes['new worker']))} "
                f"{self.notes['replaced after']:.2f} s later"
                if self.notes["replaced after"] is not None
                else "not replaced"
            )
            + f"; {cut_off} requests cut off with the worker (no answer)"
        )
        self.report_cache_outage(traffic, records)
        print(
            f"database outage: PostgreSQL {version}/{name} stopped in "
            f"{self.notes['stop took']:.1f} s, down {self.notes['down for']:.1f} s, started in "
            f"{self.notes['start took']:.1f} s; {outage_503} answers 503, "
            f"{clean_probes} of {probes} probes (anonymous search, reviewer, editor's admin) "
            "a clean 503 with Retry-After"
        )
        if "recovered" in marks:
            print(
                f"recovery: every probe answered 200 "
                f"{self.notes['recovered after']:.2f} s after PostgreSQL accepted connections; "
                f"signed-in sessions still valid: {self.notes['sessions kept']}"
            )

    def report_cache_outage(self, traffic: Traffic, records: list[Record]) -> None:
        """While Redis was down: pages answered, saves refused whole; afterwards, fresh pages."""
        down, back = self.marks["redis down"], self.marks["redis back"]
        pages = [
            r
            for r in records
            if down <= r.started and r.finished <= back and r.kind not in WRITE_POSTS
        ]
        statuses = Counter(str(r.status) if r.status else r.error for r in pages)
        failing = Counter(str(r.status) if r.status else r.error for r in pages if not ok(r))
        saves = Counter(w.outcome for w in traffic.writes if down <= w.sent and w.answered <= back)
        if failing:
            self.failures.append(
                f"while Redis was down, pages that need no cache failed: {describe(failing)}"
            )
        if saves["acknowledged"]:
            self.failures.append(
                f"{saves['acknowledged']} saves acknowledged while Redis was down, when the "
                "content version could not move"
            )
        if not saves["not saved"]:
            self.failures.append("no save was refused while Redis was down: nothing wrote then")
        print(
            f"cache outage: Redis shut down in {self.notes['redis stop took']:.1f} s (keys "
            f"saved), down {self.notes['redis down for']:.1f} s, started with its keys in "
            f"{self.notes['redis start took']:.1f} s; meanwhile pages answered "
            f"{describe(statuses) or 'none'}; saves: {saves['not saved']} refused whole "
            f'(503 "not saved"), {saves["acknowledged"]} acknowledged, '
            f"{saves.total() - saves['not saved'] - saves['acknowledged']} other"
        )
        for moment, read, stale in self.notes["freshness"]:
            print(
                f"freshness {moment}: {read} reads of the pages that show the drill's writes, "
                f"{len(stale)} older than the database"
            )

    def report_writes(self, traffic: Traffic, verified: dict) -> None:
        outcomes = {
            kind: Counter(w.outcome for w in traffic.writes if w.kind == kind)
            for kind in ("review", "data point")
        }
        print()
        for kind, counts in outcomes.items():
            print(
                f"{kind}s: {counts['acknowledged']} acknowledged, "
                f"{verified['stored'][kind]} stored; not acknowledged: "
                f'{counts["not saved"]} answered 503 "not saved" (Redis down), '
                f"{counts['unavailable']} answered 503 (database), {counts['failed']} failed, "
                f"{counts['conflict']} edit conflicts, {counts['refused']} refused; "
                f"not tried (form did not load): {traffic.unloaded[kind]}"
            )
        print(
            f"lost acknowledged writes: {len(verified['lost'])}; "
            f"written twice: {len(verified['duplicated'])}; "
            f"stored although not acknowledged: {verified['stored_unacknowledged']} "
            f'(of them answered "not saved": {verified["stored_not_saved"]})'
        )
        half = verified["half"]
        print(
            f"half-written rows: {sum(half.values())} "
            f"({', '.join(f'{name} {count}' for name, count in half.items())})"
        )
        if verified["lost"]:
            self.failures.append(
                f"{len(verified['lost'])} acknowledged writes lost (first: {verified['lost'][0]})"
            )
        if verified["stored_not_saved"]:
            self.failures.append(
                f'{verified["stored_not_saved"]} saves answered "not saved" were stored'
            )
        if verified["duplicated"]:
            self.failures.append(f"{len(verified['duplicated'])} writes stored twice")
        if sum(half.values()):
            self.failures.append(f"half-written rows: {describe(+half)}")
        if not all(counts["acknowledged"] for counts in outcomes.values()):
            self.failures.append("no acknowledged write of some kind: the traffic did not write")

    def stop_server(self) -> None:
        """Stop gunicorn and count what its log says."""
        if self.gunicorn is not None:
            stop_app_server(self.gunicorn, seconds=40)
        if hasattr(self, "server_log") and not self.server_log.closed:
            self.server_log.close()
            if self.args.server_log:
                shutil.copyfile(self.tmp / "gunicorn.log", self.args.server_log)
            text = (self.tmp / "gunicorn.log").read_text(errors="replace")
            self.notes["logged 503"] = text.count("Database unavailable; answered")
            self.notes["logged not saved"] = text.count("Page cache unavailable; refused")
            self.notes["logged late"] = text.count("Page cache unavailable after a write")
            self.notes["logged 500"] = text.count("Internal Server Error: ")
            self.notes["gunicorn errors"] = text.count("Error handling request")
            self.notes["timeouts"] = text.count("WORKER TIMEOUT")

    def cleanup(self) -> None:
        if self.database_stopped:
            try:
                pg_ctl(self.args, "start")
            except subprocess.CalledProcessError as error:
                print(f"PostgreSQL did not start again: {error.stderr.decode()}", file=sys.stderr)
            for _ in range(200):
                if pg_ready(self.args):
                    break
                time.sleep(0.1)
        self.stop_server()
        self.redis.kill()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110, BLE001 - Django may not be set up yet
            pass
        if not self.args.keep_database:
            recreate_database(self.args, drop_only=True)
        shutil.rmtree(self.tmp, ignore_errors=True)


def latencies_by_kind(records: list[Record], phase: str) -> dict[str, tuple[float, float]]:
    by_kind: dict[str, list[float]] = {}
    for record in records:
        if record.phase == phase and record.status:
            by_kind.setdefault(record.kind, []).append((record.finished - record.started) * 1000)
    return {kind: median_and_p95(values) for kind, values in by_kind.items()}


def path_kind(path: str) -> str:
    """An address with its slugs and numbers replaced, to group answers."""
    parts = path.split("?")[0].strip("/").split("/")
    names = {"strategies", "maps", "programs", "partners", "scorecard", "history", "api"}
    names |= {"embed", "admin", "scorecards", "measure", "change", "reviews", "search"}
    return "/" + "/".join(part if part in names or "." in part else "…" for part in parts if part)


def ok(record: Record) -> bool:
    return record.status is not None and record.status < 500 and not record.problems


def describe(counts: Counter) -> str:
    return ", ".join(f"{key} ×{count}" for key, count in sorted(counts.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="steady traffic (60)")
    parser.add_argument("--kill-seconds", type=float, default=10, help="after the kill (10)")
    parser.add_argument("--cache-outage-seconds", type=float, default=5, help="Redis down (5)")
    parser.add_argument("--outage-seconds", type=float, default=5, help="database down (5)")
    parser.add_argument(
        "--recovery-seconds", type=float, default=15, help="traffic once it is back (15)"
    )
    parser.add_argument(
        "--recovery-timeout", type=float, default=10, help="pages must answer by then (10)"
    )
    parser.add_argument("--threads", type=int, default=8, help="client threads (8)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--reviewers", type=int, default=4, help="reviewer accounts (4)")
    parser.add_argument("--read-share", type=float, default=0.8, help="of requests (0.8)")
    parser.add_argument("--max-requests", type=int, default=100_000, help="cap (100000)")
    parser.add_argument("--timeout", type=float, default=15, help="per request, seconds (15)")
    parser.add_argument("--database", default="strategy_soak", help="created and dropped")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-cluster", default="", help="VERSION/NAME (the only one)")
    parser.add_argument(
        "--redis-server", default="redis-server", help="the program run as the drill's own Redis"
    )
    parser.add_argument("--keep-database", action="store_true", help="do not drop it")
    parser.add_argument("--server-log", type=Path, help="keep gunicorn's log in this file")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.workers < 2:
        parser.error("--workers must be at least 2: one of them is killed")
    if "soak" not in args.database:
        parser.error("--database is dropped afterwards: its name must contain 'soak'")

    drill = Drill(args)
    # A SIGTERM unwinds like Ctrl-C, so PostgreSQL is always started again.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    deadline = (
        args.seconds
        + args.kill_seconds
        + args.cache_outage_seconds
        + args.outage_seconds
        + args.recovery_seconds
    )
    signal.signal(signal.SIGALRM, signal.default_int_handler)
    signal.alarm(int(deadline + 180))  # a bound on the whole run, whatever hangs
    try:
        return drill.run()
    finally:
        signal.alarm(0)
        drill.cleanup()


if __name__ == "__main__":
    sys.exit(main())

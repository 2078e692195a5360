"""A generated MediaWiki export of a coalition's strategy wiki, and how long importing it takes.

``write_dump(path, pages=500)`` writes, streaming, a schema 0.11 export in the
old strategy wiki's template (the shape of the pages in
``tests/mediawiki/exports/``): the "Opioid Top-Level Strategy Map",
about ten "ZOOM MAP - …" pages (one of them a zoom map of a strategy on
another zoom map), and ``pages`` strategy pages with their breadcrumbs,
introductions linking other pages, Promising Programs shared across pages,
Tools & Resources and Resources to Investigate (some through "TR - …" and
"More RTI on …" pages of links), ``<ref>`` footnotes, Scorecard Building in
every shape the importer reads, PAGE MANAGER, SUBJECT MATTER EXPERT and the
Reviewer | Date | Comments table. Pages have one to three revisions, some are
still "(Under Construction)" like the sample, and the file holds what a real
export does besides: talk and user pages, a template, redirects left by
renamed pages, Wikispaces leftovers, images and categories. The same
``pages`` and ``seed`` always give the same file.

``time_import(pages=500)`` writes that file, creates the coalition's staff
accounts the pages name, and times ``manage.py import_mediawiki FILE
--publish`` in the current database. The generator knows every note the
report must give (placeholders, guessed partner sectors, images, a month
without a day…) and every page it must skip; anything else the report says
it could not place, a page that fails, or fewer strategies than pages raises
``ImportCheckFailed``.

    python bench/wiki_generator.py                      # SQLite in memory, 500 pages
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/strategy python bench/wiki_generator.py
    python bench/wiki_generator.py --pages 2000 --again # a larger file, then a second run
    python bench/wiki_generator.py --write wiki.xml     # only write the file

Timings drift on shared machines; compare runs made side by side.
"""

import argparse
import datetime
import hashlib
import io
import os
import random
import re
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

DEFAULT_SEED = 2019
EXPORT_VERSION = "0.11"
TOP_TITLE = "Opioid Top-Level Strategy Map"
TOP_LINK = "[[Opioid_Top-Level_Strategy_Map|Opioid Top-Level Strategy Map]]"
MAX_ZOOM_MAPS = 10

# What the import reports for the parts of a page it cannot place, as the
# generator expects them: (title, a piece of the message).
Expected = list[tuple[str, str]]


class ImportCheckFailed(AssertionError):
    """The import did something the generated file does not call for."""


# Vocabulary ----------------------------------------------------------------------------------

# (title, band on the top-level map, theme of its zoom map or None)
TOP_STRATEGIES = [
    ("Reduce Opioid Overdose Deaths", "Community Results", None),
    ("Reduce Opioid Misuse and Addiction", "Community Results", None),
    ("Reduce Neonatal Abstinence Syndrome", "Community Results", None),
    ("Reduce Opioid-Related Crime", "Community Results", None),
    ("Reduce Access to Opioids", "Reduce Supply and Access", "supply"),
    ("Reduce Prescription of Opioids", "Reduce Supply and Access", "prescribing"),
    ("Prevent Youth Substance Use", "Prevention and Education", "youth"),
    ("Improve Public Awareness of Opioid Risks", "Prevention and Education", None),
    (
        "Increase Access to Overdose Reversal Medications",
        "Treatment, Rescue and Recovery",
        "rescue",
    ),
    (
        "Expand Access to Medication-Assisted Treatment",
        "Treatment, Rescue and Recovery",
        "treatment",
    ),
    ("Support Long-Term Recovery", "Treatment, Rescue and Recovery", "recovery"),
    ("Reduce Harms Among People Who Use Drugs", "Treatment, Rescue and Recovery", "harms"),
    ("Support Families Affected by Addiction", "Treatment, Rescue and Recovery", None),
    ("Strengthen Community Coalitions", "Coalition Capacity", "coalition"),
    ("Improve Data and Surveillance", "Coalition Capacity", "data"),
    ("Secure Sustainable Funding", "Coalition Capacity", None),
]
TOP_BANDS = [
    "Community Results",
    "Reduce Supply and Access",
    "Prevention and Education",
    "Treatment, Rescue and Recovery",
    "Coalition Capacity",
]
# The zoom map of a strategy that is itself on a zoom map.
NESTED = ("Disrupt the Supply of Illegal Drugs", "trafficking")

ACTIONS = {
    "supply": [
        "Close Open-Air Drug Markets",
        "Expand Drug Take-Back Programs",
        "Install Permanent Drop Boxes",
        "Secure Medications at Home",
        "Coordinate & Improve Efforts to Reduce Illegal Sales of Opioids",
        "Reduce Non-Medical Access to Prescription Drugs",
        "Train Officers on Fentanyl Exposure",
        "Monitor Online Drug Sales",
        "Track Counterfeit Pills",
        "Support Neighborhood Watch Programs",
        "Improve Lab Testing of Seized Drugs",
        "Hold Community Take-Back Days",
    ],
    "prescribing": [
        "Adopt Safer Prescribing Guidelines",
        "Increase PDMP Use by Prescribers",
        "Train Dentists on Pain Management",
        "Limit Initial Opioid Prescriptions",
        "Promote Non-Opioid Pain Treatment",
        "Educate Patients on Opioid Risks",
        "Send Prescriber Report Cards",
        "Expand Academic Detailing",
        "Integrate PDMP Data into Health Records",
        "Train Pharmacists to Spot Fraudulent Prescriptions",
        "Taper Long-Term Opioid Patients Safely",
        "Offer Physical Therapy Alternatives",
    ],
    "youth": [
        "Teach Life Skills in Middle Schools",
        "Run Community Drug Prevention Campaigns",
        "Train Parents to Talk About Drugs",
        "Offer After-School Programs",
        "Screen Teens for Substance Use",
        "Strengthen School Drug Policies",
        "Mentor At-Risk Youth",
        "Reduce Adverse Childhood Experiences",
        "Support Youth Sports Leagues",
        "Involve Youth in Coalition Work",
    ],
    "rescue": [
        "Distribute Naloxone to Families",
        "Equip Police with Naloxone",
        "Place Naloxone in Schools",
        "Offer Naloxone Leave-Behind Kits",
        "Train Bystanders to Respond to Overdose",
        "Stock Naloxone in Public Buildings",
        "Promote Standing Orders at Pharmacies",
        "Co-Prescribe Naloxone with Opioids",
        "Install Naloxone Vending Machines",
        "Publicize Good Samaritan Protections",
        "Train Librarians to Reverse Overdoses",
    ],
    "treatment": [
        "Expand Buprenorphine Prescribing",
        "Start Treatment in Emergency Departments",
        "Open a Hub-and-Spoke Treatment Network",
        "Offer Treatment in Jails",
        "Reduce Waiting Lists for Treatment",
        "Provide Transportation to Treatment",
        "Recruit Waivered Prescribers",
        "Launch a Treatment Referral Line",
        "Offer Telehealth Treatment",
        "Integrate Treatment into Primary Care",
        "Support Mothers in Treatment",
        "Connect Overdose Survivors to Care",
    ],
    "recovery": [
        "Open Recovery Community Centers",
        "Expand Recovery Housing",
        "Support Recovery High Schools",
        "Recruit Recovery-Friendly Employers",
        "Train Peer Recovery Coaches",
        "Offer Job Training in Recovery",
        "Host Sober Social Events",
        "Support Family Recovery Groups",
        "Start Collegiate Recovery Programs",
        "Clear Old Records for People in Recovery",
    ],
    "harms": [
        "Open Syringe Services Programs",
        "Distribute Fentanyl Test Strips",
        "Offer Hepatitis C Testing",
        "Reach People Who Use Drugs Alone",
        "Train Outreach Workers",
        "Provide Wound Care",
        "Reduce Stigma Among Providers",
        "Link Syringe Program Clients to Treatment",
    ],
    "coalition": [
        "Recruit New Coalition Members",
        "Hold Quarterly Coalition Meetings",
        "Train Coalition Leaders",
        "Map Community Assets",
        "Apply for Federal Grants",
        "Engage Faith Leaders",
        "Engage Business Leaders",
        "Build a Speakers Bureau",
        "Publish an Annual Report",
    ],
    "data": [
        "Build an Overdose Dashboard",
        "Speed Up Toxicology Reporting",
        "Hold Overdose Fatality Reviews",
        "Map Overdose Hot Spots",
        "Link EMS and Hospital Data",
        "Survey Residents on Drug Use",
        "Track Nonfatal Overdoses",
        "Share Data Across Agencies",
        "Report Neonatal Abstinence Cases",
    ],
    "trafficking": [
        "Target Mid-Level Dealers",
        "Seize Drug Proceeds",
        "Intercept Mail Shipments of Fentanyl",
        "Work with Federal Task Forces",
        "Close Drug Houses",
        "Track Street Prices",
        "Disrupt Trafficking Routes",
        "Share Seizure Data Across Counties",
    ],
}
QUALIFIERS = [
    "in Rural Counties",
    "for Youth",
    "Among Veterans",
    "in Tribal Communities",
    "Through Schools",
    "Through Faith Communities",
    "in Jails and Prisons",
    "in Emergency Departments",
    "Through Primary Care",
    "for Pregnant Women",
    "for Older Adults",
    "Across County Lines",
    "in the Workplace",
    "in Public Housing",
]
ZOOM_BANDS = {
    "supply": ["Enforcement", "Safe Disposal", "Community Action"],
    "prescribing": ["Prescribers", "Pharmacies", "Patients"],
    "youth": ["Schools", "Families", "Community"],
    "rescue": ["First Responders", "Families and Bystanders", "Pharmacies"],
    "treatment": ["Access", "Capacity", "Special Populations"],
    "recovery": ["Housing and Work", "Peer Support", "Education"],
    "harms": ["Outreach", "Health Services"],
    "coalition": ["Membership", "Leadership", "Resources"],
    "data": ["Collection", "Sharing", "Use"],
    "trafficking": ["Investigations", "Interdiction"],
}
REASONS = [
    "overdose deaths in the county have doubled since 2015",
    "most people who misuse prescription opioids get them from friends or family",
    "treatment works, but too few people who need it can reach it",
    "young people who start using early are far more likely to develop an addiction",
    "fentanyl now shows up in most of the drugs seized on our streets",
    "families told us they did not know where to turn",
    "first responders see the same neighborhoods again and again",
    "the emergency department sees more nonfatal overdoses every year",
    "people leaving jail are at the highest risk of overdose in their first two weeks",
    "stigma keeps people from asking for help",
]
ACTIVITIES = [
    "meet every month to compare notes",
    "share what they see in the field",
    "have offered staff time to the work",
    "hand out materials at their front desks",
    "helped write the plan on this page",
]
RESOURCE_NOTES = [
    "step by step planning",
    "used by our first responders",
    "short and practical",
    "recommended by the health department",
    "for families",
    "updated every year",
    "has a sample budget",
]
COUNTIES = [
    "Riverside County",
    "Lake County",
    "Marion County",
    "Clark County",
    "Union County",
    "Franklin County",
    "Greene County",
    "Jefferson County",
]
TOWNS = ["Eastside", "Maple Falls", "Cedar Grove", "North Bend", "Millbrook", "Oak Ridge"]
ORIGINS = [
    "High Point, NC",
    "Boston, MA",
    "Gloucester, MA",
    "Manchester, NH",
    "Huntington, WV",
    "Dayton, OH",
    "Burlington, VT",
    "Baltimore, MD",
    "Seattle, WA",
    "Louisville, KY",
    "Albuquerque, NM",
    "Portland, OR",
    "Denver, CO",
    "Nashville, TN",
    "Camden, NJ",
    "Rutland, VT",
    "Wilkes County, NC",
]
PROGRAM_NAMES = [
    "Drug Market Intervention Strategy",
    "Naloxone Leave-Behind",
    "Safe Stations",
    "Angel Program",
    "Project Lazarus",
    "Quick Response Teams",
    "Handle With Care",
    "LifeSkills Training",
    "Good Behavior Game",
    "Communities That Care",
    "PROSPER",
    "Strengthening Families Program",
    "Hub and Spoke",
    "ED Bridge",
    "Academic Detailing",
    "Overdose Fatality Review",
    "Law Enforcement Assisted Diversion",
    "Recovery Coach Academy",
    "Nurse-Family Partnership",
    "Sources of Strength",
    "Project Northland",
    "Drug Take-Back Day",
    "Prescriber Report Cards",
    "Syringe Services Program",
    "Peer Recovery Support",
    "Jail-Based Medication Treatment",
    "Hope Not Handcuffs",
    "Recovery High Schools",
    "Oxford House",
    "Operation Prevention",
]
PROGRAM_PREFIXES = [
    "Bridge",
    "Pathways",
    "Safe Homes",
    "First Steps",
    "Compass",
    "Lifeline",
    "Open Door",
    "Second Chance",
    "Anchor",
    "Harbor",
    "Beacon",
    "Turning Point",
]
PROGRAM_SUFFIXES = ["Program", "Initiative", "Project", "Partnership", "Model"]
PURPOSES = [
    "to bring police, prosecutors and neighbors together against one market at a time",
    "to reach people within days of a nonfatal overdose",
    "to let anyone walk in and ask for help without fear of arrest",
    "to teach children to resist pressure to use drugs",
    "to connect patients to treatment before they leave the hospital",
    "to put naloxone in the hands of the people most likely to witness an overdose",
    "to give people in recovery a coach who has been there",
    "to help families talk about substance use at home",
]
OUTCOMES = [
    "overdose deaths",
    "emergency department visits for overdose",
    "arrests for drug sales",
    "new prescriptions for opioids",
    "students who reported using in the past month",
    "people waiting for treatment",
    "repeat overdoses",
]
PARTNERS = [
    # (name, whether the importer recognizes its sector from the name)
    ("Riverside Police Department", True),
    ("County Sheriff's Office", True),
    ("State Police Drug Unit", True),
    ("DEA Diversion Office", True),
    ("HIDTA Task Force", True),
    ("District Attorney's Office", True),
    ("County Health Department", True),
    ("State Department of Health", True),
    ("Mercy Hospital", True),
    ("St. Luke's Medical Center", True),
    ("Eastside Community Clinic", True),
    ("County EMS", True),
    ("Main Street Pharmacy", True),
    ("Riverside Recovery Center", True),
    ("New Hope Treatment Services", True),
    ("Lincoln High School", True),
    ("Riverside Community College", True),
    ("County Board of Education", True),
    ("Grace Chapel", True),
    ("First Baptist Church", True),
    ("Temple Beth Shalom", True),
    ("County Human Services", True),
    ("Riverside Housing Authority", True),
    ("Boys and Girls Club Youth Center", True),
    ("Chamber of Commerce", True),
    ("Eastside Neighbors Association", True),
    ("Parents for Prevention Coalition", True),
    ("City Council", True),
    ("Riverside Workforce Board", False),
    ("United Way of Riverside", False),
    ("Metro Transit", False),
    ("Public Library", False),
    ("Rotary Club", False),
]
DATA_SOURCES = [
    "County Medical Examiner",
    "State PDMP",
    "Hospital discharge data",
    "Youth Risk Behavior Survey",
    "County 311 line",
    "EMS run reports",
    "Police records",
    "NFLIS lab reports",
    "Treatment admissions data",
    "Coalition member survey",
    "School climate survey",
    "Vital statistics",
    "Syringe program records",
    "Pharmacy dispensing data",
]
MEASURES = [
    "Opioid overdose deaths per 100,000 residents",
    "Nonfatal overdose visits to the emergency department",
    "Naloxone kits distributed",
    "Overdose reversals reported",
    "People starting medication treatment",
    "Days from referral to first treatment visit",
    "Opioid prescriptions per 1,000 residents",
    "Prescribers checking the PDMP",
    "Pounds of medication collected at take-back sites",
    "Students reporting past-month misuse of pain relievers",
    "Calls about drug dealing",
    "Drug sale arrests in target neighborhoods",
    "Beds in certified recovery homes",
    "People in recovery employed after six months",
    "Syringes collected",
    "Coalition members attending meetings",
    "Residents who know where to get naloxone",
    "Average days to complete toxicology reports",
]
ACTION_TITLES = [
    "Hold a call-in for the Eastside market",
    "Train officers to carry naloxone",
    "Offer jobs to call-in participants",
    "Place drop boxes in every police station",
    "Run a media campaign on safe storage",
    "Visit every prescriber with the new guidelines",
    "Send quarterly prescribing reports",
    "Start buprenorphine in the emergency department",
    "Hire two peer recovery coaches",
    "Map overdose calls by block",
    "Hold an overdose fatality review every quarter",
    "Train school nurses to respond to overdose",
    "Host a town hall on fentanyl",
    "Apply for a state opioid response grant",
    "Open a walk-in naloxone site",
    "Recruit three more recovery-friendly employers",
    "Publish a resource guide for families",
    "Survey parents about safe storage",
]
COMMENTS = [
    "Add the 311 data.",
    "Good sources.",
    "Looks complete.",
    "Update the measures after the next survey.",
    "Please add a program for rural areas.",
    "The objective needs a date.",
    "Check the links under Tools & Resources.",
    "Numbers updated with the 2019 report.",
    "Talk to the health department about the data source.",
    "",
]
FIRST_NAMES = [
    "Morgan",
    "Pat",
    "Ana",
    "Lee",
    "Jordan",
    "Sam",
    "Alex",
    "Taylor",
    "Casey",
    "Jamie",
    "Robin",
    "Chris",
    "Dana",
    "Terry",
    "Kim",
    "Avery",
    "Leslie",
    "Shawn",
    "Maria",
    "David",
]
LAST_NAMES = [
    "Lee",
    "Kim",
    "Ruiz",
    "Carter",
    "Blake",
    "Nguyen",
    "Patel",
    "Johnson",
    "Garcia",
    "Okafor",
    "Smith",
    "Brown",
    "Hernandez",
    "Walsh",
    "Cohen",
    "Murphy",
]
AREAS = [
    "street outreach",
    "addiction medicine",
    "pharmacy",
    "law enforcement",
    "prevention science",
    "public health data",
    "peer recovery",
    "pediatrics",
]
CREDENTIALS = ["MD", "PhD", "MPH", "RN", "PharmD", "LCSW"]
KIND_WORDS = ["Toolkit", "Guide", "Report", "Data Dashboard", "Fact Sheet", "Webinar", "Handbook"]
HOSTS = ["www.example.org", "example.com", "resources.example.net", "data.example.gov"]
DATE_STYLES = ["%-m/%-d/%Y", "%Y-%m-%d", "%B %-d, %Y", "%b. %-d, %Y", "%-d %B %Y"]


# The coalition -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    username: str
    account: bool
    credential: str = ""

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def email(self) -> str:
        return f"{self.first}.{self.last}@example.org".lower()


@dataclass
class Program:
    name: str
    origin: str
    year: int
    purpose: str


@dataclass
class Resource:
    title: str
    url: str


@dataclass
class Place:
    """One strategy page: its title, the maps above it and its neighbors."""

    title: str
    theme: str
    crumbs: list[str]  # zoom subjects above the page, top first
    zoom_of: str | None = None  # the page's own zoom map, if it has one
    siblings: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """The site the file describes, and what its import must report."""

    places: list[Place] = field(default_factory=list)
    zooms: list[tuple[str, str, list[str], list[tuple[str, list[str]]]]] = field(
        default_factory=list
    )  # (subject, theme, crumbs above it, bands with their titles)
    top_bands: list[tuple[str, list[str]]] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # an old title → the page's title
    warnings: Expected = field(default_factory=list)
    skipped: Expected = field(default_factory=list)


def _plan(pages: int, rng: random.Random) -> Plan:
    """Where each of ``pages`` strategy pages sits, about ten zoom maps below the top-level map."""
    if pages < 1:
        raise ValueError("A dump needs at least one strategy page.")
    plan = Plan()
    n_top = min(len(TOP_STRATEGIES), max(1, pages // 30))
    zoomable = [s for s in TOP_STRATEGIES if s[2]]
    others = [s for s in TOP_STRATEGIES if not s[2]]
    rest = pages - n_top
    n_zooms = min(len(zoomable), n_top, rest // 2)
    chosen = zoomable[:n_zooms] + (zoomable[n_zooms:] + others)[: n_top - n_zooms]
    chosen = [s for s in TOP_STRATEGIES if s in chosen]  # in the map's order
    nested = n_zooms >= 1 and rest >= 6 and n_zooms < MAX_ZOOM_MAPS
    used = {title.casefold() for title, _band, _theme in TOP_STRATEGIES} | {NESTED[0].casefold()}
    for band in TOP_BANDS:
        titles = [title for title, b, _theme in chosen if b == band]
        if titles:
            plan.top_bands.append((band, titles))
    for title, _band, theme in chosen:
        zoom_of = title if theme and any(title == z[0] for z in zoomable[:n_zooms]) else None
        plan.places.append(Place(title, theme or "coalition", [], zoom_of=zoom_of))

    # Strategies on the zoom maps, unevenly spread; the first zoom map holds the nested one's.
    zooms = [(title, theme, [], None) for title, _band, theme in zoomable[:n_zooms]]
    if nested:
        zooms.append((NESTED[0], NESTED[1], [zooms[0][0]], NESTED[0]))
    weights = [rng.uniform(0.6, 1.4) for _ in zooms]
    counts = [1] * len(zooms)
    if nested:
        counts[0] += 1  # the nested zoom map's strategy is on the first one
    spare = rest - sum(counts)
    for index in range(spare if zooms else 0):
        # Spread deterministically by weight: the map furthest below its share gets the next.
        target = max(
            range(len(zooms)),
            key=lambda i: weights[i] * (index + 1) / sum(weights) - counts[i],
        )
        counts[target] += 1
    if not zooms and rest:
        # Too few pages for a zoom map: the rest go straight onto the top-level map.
        titles = _titles("coalition", rest, used, rng)
        plan.top_bands.append(("Other Strategies", titles))
        plan.places += [Place(t, "coalition", []) for t in titles]
    for (subject, theme, above, _own), count in zip(zooms, counts, strict=True):
        crumbs = [*above, subject]
        fixed = [NESTED[0]] if nested and subject == zooms[0][0] else []
        titles = fixed + _titles(theme, count - len(fixed), used, rng)
        rng.shuffle(titles)
        names = ZOOM_BANDS[theme]
        n_bands = min(len(titles), len(names), rng.choice([1, 2, 2, 3]))
        if n_bands == 1:
            bands = [("Strategies", titles)]
        else:
            cuts = sorted(rng.sample(range(1, len(titles)), n_bands - 1))
            edges = [0, *cuts, len(titles)]
            bands = [(names[i], titles[edges[i] : edges[i + 1]]) for i in range(n_bands)]
        plan.zooms.append((subject, theme, above, bands))
        for title in titles:
            own = NESTED[0] if nested and title == NESTED[0] else None
            plan.places.append(Place(title, theme, crumbs, zoom_of=own, siblings=titles))
    top_titles = [p.title for p in plan.places[:n_top]]
    for place in plan.places[:n_top]:
        place.siblings = top_titles

    # Pages renamed since they were created: their old titles redirect to the new ones.
    for place in plan.places[9::20]:
        old = f"{place.title} Strategy"
        if old.casefold() not in used:
            used.add(old.casefold())
            plan.renamed[old] = place.title

    # People: managers and experts with accounts on the new site, and some without.
    names = [(f, la) for f in FIRST_NAMES for la in LAST_NAMES]
    rng.shuffle(names)
    usernames: set[str] = set()
    for index, (first, last) in enumerate(names[:48]):
        credential = rng.choice(CREDENTIALS) if index % 7 == 3 else ""
        username = (first[0] + last).lower()
        while username in usernames:
            username += str(len(usernames) % 10)
        usernames.add(username)
        plan.people.append(Person(first, last, username, index < 30, credential))
    return plan


def _titles(theme: str, count: int, used: set[str], rng: random.Random) -> list[str]:
    """``count`` new strategy titles on a theme: an action, often narrowed to a setting."""
    actions = ACTIONS[theme]
    candidates = list(actions) + [f"{a} {q}" for a in actions for q in QUALIFIERS]
    rng.shuffle(candidates)
    # Plain actions first: the wiki named the broad strategy before the narrower ones.
    candidates.sort(key=lambda t: t not in actions)
    found = []
    for title in candidates:
        if len(found) == count:
            break
        if title.casefold() not in used:
            used.add(title.casefold())
            found.append(title)
    phase = 2
    while len(found) < count:
        title = f"{rng.choice(actions)}, Phase {phase}"
        phase += 1
        if title.casefold() not in used:
            used.add(title.casefold())
            found.append(title)
    return found


# Wikitext ------------------------------------------------------------------------------------


def _underscored(title: str) -> str:
    return title.replace(" ", "_")


def _zoom_title(subject: str) -> str:
    return f"ZOOM MAP - {subject}"


def _zoom_link(subject: str, label: str | None = None) -> str:
    return f"[[ZOOM_MAP_-_{_underscored(subject)}|{label or f'Zoom Map ({subject})'}]]"


def _topic(title: str) -> str:
    """ "Equip Police with Naloxone" → "equip police with naloxone" (acronyms kept)."""
    return " ".join(w if w.isupper() or w == "&" else w.lower() for w in title.split())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Writer:
    """Strategy pages and their neighbors in wikitext, with the notes their import must give."""

    def __init__(self, plan: Plan, rng: random.Random):
        self.plan = plan
        self.rng = rng
        self.partners_seen: set[str] = set()
        self.refs = 0
        self.resources = [
            Resource(
                f"{topic.title()} {kind}",
                f"https://{rng.choice(HOSTS)}/{_slug(topic)}/{_slug(kind)}",
            )
            for topic in [
                "naloxone distribution",
                "safe storage",
                "drug take-back",
                "opioid prescribing",
                "medication treatment",
                "recovery housing",
                "youth prevention",
                "overdose surveillance",
                "harm reduction",
                "coalition building",
                "fentanyl awareness",
                "family support",
            ]
            for kind in KIND_WORDS
        ]
        self.programs = [
            Program(name, rng.choice(ORIGINS), rng.randint(1986, 2016), rng.choice(PURPOSES))
            for name in PROGRAM_NAMES
            + [f"{p} {s}" for p in PROGRAM_PREFIXES for s in PROGRAM_SUFFIXES]
        ]
        self.managers = [p for p in plan.people if p.account][:24]
        self.experts = plan.people[12:]
        self.titles = [place.title for place in plan.places]
        self.old_titles = list(plan.renamed)

    def warn(self, title: str, message: str) -> None:
        self.plan.warnings.append((title, message))

    # Pieces ------------------------------------------------------------------------------

    def citation(self, subject: str) -> str:
        rng = self.rng
        self.refs += 1
        county = rng.choice(COUNTIES)
        year = rng.randint(2012, 2022)
        url = f"https://{rng.choice(HOSTS)}/reports/{_slug(subject)}-{self.refs % 97}"
        if rng.random() < 0.5:
            return f"<ref>{county} Health Department, ''{subject} report'', {year}. {url}</ref>"
        return f"<ref>[{url} {subject}: what the evidence says], {county}, {year}.</ref>"

    def sentence(self, place: Place) -> str:
        rng = self.rng
        topic = _topic(place.title)
        county = rng.choice(COUNTIES)
        others = [t for t in place.siblings if t != place.title] or self.titles
        other = rng.choice(others)
        far = rng.choice(self.titles)
        choices = [
            f"Our coalition works to {topic} because {rng.choice(REASONS)}.",
            f"In {rng.randint(2014, 2021)}, {county} recorded {rng.randint(12, 180)} opioid "
            f"overdose deaths, {rng.randint(5, 60)} percent more than the year before."
            + self.citation("Overdose deaths in " + county),
            f"'''Why it matters:''' {rng.choice(REASONS)}.",
            f"It works best alongside [[{other}]] and [[{_underscored(far)}|{_topic(far)}]].",
            f"Partners such as the {rng.choice(PARTNERS)[0]} and the "
            f"{rng.choice(PARTNERS)[0]} already {rng.choice(ACTIVITIES)}.",
            f"The [{rng.choice(self.resources).url} {rng.choice(KIND_WORDS).lower()}] explains "
            "the first steps.",
            f"Towns like {rng.choice(TOWNS)} have started to {topic}, with ''mixed'' results.",
            f"See also [[{other}]], which shares several partners with this page.",
        ]
        if self.old_titles:
            old = rng.choice(self.old_titles)
            choices.append(f"Much of this began under [[{old}]].")
        if place.crumbs:
            subject = place.crumbs[-1]
            choices.append(
                f"This strategy supports [[{subject}]]; the {_zoom_link(subject, 'zoom map')} "
                "shows the strategies beside it."
            )
        return rng.choice(choices)

    def intro(self, place: Place) -> str:
        rng = self.rng
        paragraphs = [
            " ".join(self.sentence(place) for _ in range(rng.randint(2, 4)))
            for _ in range(rng.randint(1, 3))
        ]
        if rng.random() < 0.3:
            facts = "\n".join(f"* {rng.choice(REASONS).capitalize()}." for _ in range(3))
            paragraphs.append(f"Key facts:\n{facts}")
        if rng.random() < 0.1:
            rows = "\n|-\n".join(
                f"| {year} || {rng.randint(20, 140)} || {rng.randint(100, 900)}"
                for year in range(2016, 2021)
            )
            paragraphs.append(
                '{| class="wikitable"\n! Year !! Deaths !! Emergency visits\n|-\n' + rows + "\n|}"
            )
        return "\n\n".join(paragraphs)

    def program(self, page: str, program: Program, style: str) -> str:
        rng = self.rng
        origin = (
            f"{program.name} was first developed and implemented in {program.origin}, in "
            f"{program.year}, {program.purpose}."
        )
        result = (
            f"An evaluation found {rng.randint(10, 60)} percent fewer "
            f"{rng.choice(OUTCOMES)} after {rng.randint(1, 5)} years."
        )
        local = f"{rng.choice(COUNTIES)} adopted it in {rng.randint(program.year + 1, 2021)}."
        if style == "list":
            return f"* '''{program.name}''' – {origin} {local}"
        body = f"=== {program.name} ===\n{origin} {result}{self.citation(program.name)} {local}"
        if rng.random() < 0.2:
            body += (
                f"\n==== Outcomes ====\n{rng.randint(2, 9)} of our partners now run it; "
                f"{rng.choice(OUTCOMES)} fell in the first year."
            )
        return body

    def resource_line(self, resource: Resource) -> str:
        rng = self.rng
        shape = rng.random()
        if shape < 0.6:
            return f"* [{resource.url} {resource.title}] – {rng.choice(RESOURCE_NOTES)}"
        if shape < 0.85:
            return f"[{resource.url} {resource.title}]"
        return f"* {resource.url}"

    def partner(self, page: str) -> str:
        name, known = self.rng.choice(PARTNERS)
        if name not in self.partners_seen:
            self.partners_seen.add(name)
            if not known:
                self.warn(page, f"the partner “{name}” was created with the sector")
        return name

    def scorecard(self, page: str, shape: str) -> str:
        rng = self.rng
        county = rng.choice(COUNTIES)
        objective = (
            f"{_topic(page).capitalize()} in {county} by the end of {rng.randint(2022, 2027)}. "
            f"Progress is checked every {rng.choice(['quarter', 'six months', 'year'])}."
        )
        measures = [
            f"{m} — {rng.choice(DATA_SOURCES)}" for m in rng.sample(MEASURES, rng.randint(1, 4))
        ]
        actions = []
        wanted = 0 if shape in ("partial", "construction") else rng.randint(1, 3)
        for title in rng.sample(ACTION_TITLES, wanted):
            partners = list(dict.fromkeys(self.partner(page) for _ in range(rng.randint(1, 3))))
            lead = rng.random() < 0.7
            listed = [f"{partners[0]} (lead)" if lead else partners[0], *partners[1:]]
            actions.append(f"{title} — {'; '.join(listed)}")
        if shape == "subsections":
            return (
                "== Scorecard Building ==\n=== Potential Objective Details ===\n"
                f"{objective}\n\n=== Potential Measures &amp; Data Sources ===\n"
                + "\n".join(f"* {m}" for m in measures)
                + "\n\n=== Potential Actions &amp; Partners ===\n"
                + "\n".join(f"* {a}" for a in actions)
            )
        if shape == "bold":
            return (
                f"== Scorecard Building ==\n'''Potential Objective Details:''' {objective}\n\n"
                "'''Potential Measures & Data Sources:'''\n"
                + "\n".join(f"* {m}" for m in measures)
                + "\n\n'''Potential Actions & Partners'''\n"
                + "\n".join(f"* {a}" for a in actions)
            )
        if shape == "rows":
            return (
                '== Scorecard Building ==\n{| class="wikitable"\n|-\n'
                f"| '''Potential Objective Details''' || {objective}\n|-\n"
                "| '''Potential Measures & Data Sources'''\n"
                + "\n".join(f"* {m}" for m in measures)
                + "\n|-\n| '''Potential Actions & Partners'''<br />"
                + "<br>".join(actions)
                + "\n|}"
            )
        if shape == "objectives":
            # A header naming the parts, then one objective per row.
            rows = []
            for number in range(rng.randint(2, 3)):
                goal = f"{_topic(page).capitalize()} in {COUNTIES[number]}"
                rows.append(
                    f"| {goal} || {'<br />'.join(rng.sample(measures, 1))}\n"
                    f"| {'<br />'.join(actions[:1] if number else actions)}"
                )
            return (
                '== Scorecard Building ==\n{| class="wikitable"\n'
                "! Objective !! Measures & Data Sources !! Actions & Partners\n|-\n"
                + "\n|-\n".join(rows)
                + "\n|}"
            )
        if shape == "partial":
            return (
                "== Scorecard Building ==\n=== Potential Objective Details ===\n"
                f"{objective}\n\n=== Potential Measures &amp; Data Sources ===\n"
                + "\n".join(f"* {m}" for m in measures)
                + "\n\n=== Potential Actions &amp; Partners ===\n''(Under Construction)''"
            )
        return (
            '== Scorecard Building ==\n{| class="wikitable"\n|-\n'
            "| '''Potential Objective Details'''''(Under Construction)''\n|-\n"
            "| '''Potential Measures &amp; Data Sources'''''(Under Construction)''\n|-\n"
            "| '''Potential Actions &amp; Partners'''''(Under Construction)''\n|}"
        )

    def review_rows(self, page: str, reviewers: list[Person]) -> list[str]:
        rng = self.rng
        rows, seen = [], set()
        for person in reviewers:
            day = datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randint(0, 3000))
            if (person.name, day) in seen:
                continue
            seen.add((person.name, day))
            style = rng.choice(DATE_STYLES)
            if style.startswith("%b.") and day.month in (5, 9):
                style = "%B %-d, %Y"  # "May." is not how anyone writes it
            when = day.strftime(style)
            if rng.random() < 0.03:
                when = day.strftime("%B %Y")
                self.warn(page, f"review by {person.name}: “{when}” has no day")
            rows.append(f"| {person.name} || {when} || {rng.choice(COMMENTS)}")
        return rows

    # Pages -------------------------------------------------------------------------------

    def strategy(self, place: Place) -> tuple[str, list[tuple[str, str]]]:
        """The page's newest text, and the (title, text) of the pages of links it lists."""
        rng, title = self.rng, place.title
        kind = rng.choices(["full", "partial", "template"], weights=[60, 25, 15])[0]
        wikispaces = rng.random() < 0.12
        crumb = f"Return to {TOP_LINK}"
        if place.crumbs:
            crumb += f" or {_zoom_link(place.crumbs[0])}"
        if len(place.crumbs) > 1:
            crumb += "\nReturn to " + " or ".join(_zoom_link(s) for s in place.crumbs[1:])
        if wikispaces:
            crumb = (
                '<span style="font-size: 90%;">'
                + crumb.replace("Return to ", "Return to&nbsp;").replace(" or ", "&nbsp;or&nbsp;")
                + "</span>"
            )
        parts = [crumb]
        extra_pages: list[tuple[str, str]] = []
        amp = "&amp;" if wikispaces else "&"

        if kind == "template":
            parts.append(self.sentence(place) if rng.random() < 0.6 else "(Under Construction)")
        else:
            parts.append(self.intro(place))
            if rng.random() < 0.15:
                parts.append(f"== Background ==\n{self.intro(place)}")
        if rng.random() < 0.05:
            image = f"{_slug(title)[:24]}-logic-model.png"
            parts[-1] += f"\n[[File:{image}|thumb|Logic model]]"
            name = image[:1].upper() + image[1:]
            self.warn(title, f"the image “{name}” cannot be imported")

        # Promising Programs
        if kind == "template" and rng.random() < 0.5:
            parts.append("== Promising Programs ==\n(Under Construction)")
        else:
            chosen = rng.sample(self.programs, 1 if kind == "template" else rng.randint(1, 3))
            style = "list" if rng.random() < 0.25 else "sections"
            body = "\n".join(self.program(title, p, style) for p in chosen)
            parts.append(f"== Promising Programs ==\n{body}")

        # Tools & Resources, some of them on a "TR - …" page of links
        lines = []
        if kind != "template":
            lines += [self.resource_line(r) for r in rng.sample(self.resources, rng.randint(1, 4))]
            if rng.random() < 0.15:
                other = rng.choice(place.siblings or self.titles)
                if other != title:
                    lines.append(f"* [[{other}]] – a related strategy")
        if kind == "template" or rng.random() < 0.35:
            tr = f"TR - {title}"
            lines.insert(0, f"[[{tr.replace('&', amp)}]]")
            listed = "\n".join(
                f"* [{r.url} {r.title}]" for r in rng.sample(self.resources, rng.randint(2, 5))
            )
            extra_pages.append((tr, f"Return to [[{title}]]\n\n{listed}"))
        parts.append(f"== Tools {amp} Resources ==\n" + "\n".join(lines))

        # Scorecard Building
        if kind == "template":
            shape = "construction"
        elif kind == "partial":
            shape = rng.choice(["partial", "subsections", "construction"])
        else:
            shape = rng.choices(
                ["subsections", "bold", "rows", "objectives"], weights=[40, 25, 20, 15]
            )[0]
        parts.append(self.scorecard(title, shape))

        # Resources to Investigate, then the people and the review table under it
        investigate = []
        if kind != "template":
            investigate += [
                f"* [{r.url} {r.title}]" for r in rng.sample(self.resources, rng.randint(0, 3))
            ]
        if kind == "template" or rng.random() < 0.2:
            rti = f"More RTI on {title}"
            investigate.append(f"[[{rti}]]")
            listed = "\n".join(
                f"* [{r.url} {r.title}]" for r in rng.sample(self.resources, rng.randint(1, 3))
            )
            extra_pages.append((rti, f"Return to [[{title}]]\n\n{listed}"))
        people = []
        manager = rng.choice(self.managers)
        if kind == "template" or rng.random() < 0.08:
            people.append("'''PAGE MANAGER:''' [insert name here]")
            self.warn(title, "PAGE MANAGER: “[insert name here]” is a placeholder")
        elif rng.random() < 0.03:
            gone = rng.choice([p for p in self.plan.people if not p.account])
            people.append(f"'''PAGE MANAGER:''' {gone.name}")
            self.warn(title, f"PAGE MANAGER “{gone.name}” has no account")
        else:
            way = rng.random()
            shown = manager.name if way < 0.7 else manager.username if way < 0.85 else manager.email
            people.append(f"'''PAGE MANAGER:''' {shown}")
        experts = rng.sample(self.experts, rng.randint(1, 3))
        from_table = kind == "template" or rng.random() < 0.15
        if from_table:
            people.append("'''SUBJECT MATTER EXPERT:''' [fill out table below]")
            self.warn(title, "SUBJECT MATTER EXPERT: “[fill out table below]” is a placeholder")
        else:
            named = []
            for expert in experts:
                name = f"Dr. {expert.name}" if rng.random() < 0.2 else expert.name
                if expert.credential:
                    name += f", {expert.credential}"
                if rng.random() < 0.4:
                    name += f" ({rng.choice(AREAS)})"
                named.append(name)
            people.append("'''SUBJECT MATTER EXPERT:''' " + "; ".join(named))
        reviewers = [] if kind == "template" else rng.sample(experts, rng.randint(0, len(experts)))
        rows = self.review_rows(title, reviewers)
        table = '{| class="wikitable"\n! Reviewer !! Date !! Comments\n|-\n'
        table += "".join(f"{row}\n|-\n" for row in rows) + "| || ||\n|}"
        section = "== Resources to Investigate ==\n" + "\n".join(investigate)
        parts.append(f"{section}\n\n" + "\n\n".join(people) + f"\n{table}")
        parts.append("== References ==\n<references />")
        if rng.random() < 0.05:
            parts.append("[[Category:Strategies]]")
            self.warn(title, "its categories (Strategies) are not imported")
        text = "\n\n".join(parts)
        if wikispaces:
            text = f'<div class="wiki" id="content_view" style="display: block;">__NOTOC__\n{text}'
            text += "\n</div>"
        return text, extra_pages

    def skeleton(self, place: Place) -> str:
        """The page as the template first made it."""
        crumb = f"Return to {TOP_LINK}"
        if place.crumbs:
            crumb += f" or {_zoom_link(place.crumbs[0])}"
        return (
            f"{crumb}\n\n(Under Construction)\n\n== Promising Programs ==\n(Under Construction)\n\n"
            "== Tools & Resources ==\n(Under Construction)\n\n"
            + self.scorecard(place.title, "construction")
            + "\n\n== Resources to Investigate ==\n(Under Construction)\n\n"
            "'''PAGE MANAGER:''' [insert name here]\n\n== References ==\n<references />"
        )


def _map_text(rng: random.Random, plan: Plan) -> str:
    zoomed = {place.zoom_of for place in plan.places if place.zoom_of}
    lines = [
        "Return to [[Site Introduction]]",
        "",
        f"The {TOP_TITLE} shows the objectives a community coalition can pursue at the same "
        "time. Click an objective to read its page, or open its zoom map to see the strategies "
        "beneath it.",
    ]
    for band, titles in plan.top_bands:
        lines += ["", f"== {band} =="]
        for title in titles:
            zoom = f" ({_zoom_link(title, 'Zoom Map')})" if title in zoomed else ""
            lines.append(f"* [[{title}]]{zoom}")
    return "\n".join(lines)


def _zoom_text(plan: Plan, zoom) -> str:
    subject, _theme, above, bands = zoom
    zoomed = {place.zoom_of for place in plan.places if place.zoom_of}
    crumb = f"Return to {TOP_LINK}"
    if above:
        crumb += " or " + " or ".join(_zoom_link(s) for s in above)
    lines = [
        crumb,
        "",
        f"This zoom map breaks the objective [[{subject}]] into the strategies that support it.",
    ]
    for band, titles in bands:
        lines += ["", f"== {band} =="]
        for title in titles:
            zoom_link = f" ({_zoom_link(title, 'Zoom Map')})" if title in zoomed else ""
            lines.append(f"* [[{title}]]{zoom_link}")
    return "\n".join(lines)


# The XML -------------------------------------------------------------------------------------

HEADER = f"""<mediawiki xmlns="http://www.mediawiki.org/xml/export-{EXPORT_VERSION}/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://www.mediawiki.org/xml/export-{EXPORT_VERSION}/ \
http://www.mediawiki.org/xml/export-{EXPORT_VERSION}.xsd" version="{EXPORT_VERSION}" xml:lang="en">
  <siteinfo>
    <sitename>Opioid Hub</sitename>
    <dbname>hubwiki</dbname>
    <base>http://wiki.example.org/index.php/Main_Page</base>
    <generator>MediaWiki 1.39.17</generator>
    <case>first-letter</case>
    <namespaces>
"""
NAMESPACES = [
    (-2, "Media"),
    (-1, "Special"),
    (0, ""),
    (1, "Talk"),
    (2, "User"),
    (3, "User talk"),
    (4, "Opioid Hub"),
    (5, "Opioid Hub talk"),
    (6, "File"),
    (7, "File talk"),
    (8, "MediaWiki"),
    (9, "MediaWiki talk"),
    (10, "Template"),
    (11, "Template talk"),
    (12, "Help"),
    (13, "Help talk"),
    (14, "Category"),
    (15, "Category talk"),
]


def _sha1_base36(text: str) -> str:
    """A revision's sha1 as MediaWiki writes it: base 36, 31 digits."""
    number = int(hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest(), 16)
    digits = ""
    while number:
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
    return digits.rjust(31, "0")


@dataclass
class Revision:
    timestamp: datetime.datetime
    author: Person | None  # None: an anonymous edit, by address
    comment: str
    text: str
    minor: bool = False


class _Export:
    """Pages written one at a time to an open text file."""

    def __init__(self, out: TextIO):
        self.out = out
        self.page_id = 0
        self.revision_id = 0
        self.out.write(HEADER)
        for key, name in NAMESPACES:
            if name:
                self.out.write(
                    f'      <namespace key="{key}" case="first-letter">{escape(name)}</namespace>\n'
                )
            else:
                self.out.write(f'      <namespace key="{key}" case="first-letter" />\n')
        self.out.write("    </namespaces>\n  </siteinfo>\n")

    def page(
        self, title: str, revisions: list[Revision], *, ns: int = 0, redirect: str | None = None
    ) -> None:
        self.page_id += 1
        out = [
            f"  <page>\n    <title>{escape(title)}</title>\n    <ns>{ns}</ns>\n"
            f"    <id>{self.page_id}</id>\n"
        ]
        if redirect:
            out.append(f"    <redirect title={quoteattr(redirect)} />\n")
        parent = None
        for revision in sorted(revisions, key=lambda r: r.timestamp):
            self.revision_id += 1
            sha1 = _sha1_base36(revision.text)
            out.append(f"    <revision>\n      <id>{self.revision_id}</id>\n")
            if parent:
                out.append(f"      <parentid>{parent}</parentid>\n")
            out.append(f"      <timestamp>{revision.timestamp:%Y-%m-%dT%H:%M:%SZ}</timestamp>\n")
            if revision.author is None:
                out.append(
                    f"      <contributor>\n        <ip>10.0.{self.revision_id % 250}.7</ip>\n"
                    "      </contributor>\n"
                )
            else:
                number = zlib.crc32(revision.author.username.encode()) % 900 + 2
                out.append(
                    "      <contributor>\n"
                    f"        <username>{escape(revision.author.username.title())}</username>\n"
                    f"        <id>{number}</id>\n      </contributor>\n"
                )
            if revision.minor:
                out.append("      <minor />\n")
            out.append(
                f"      <comment>{escape(revision.comment)}</comment>\n"
                f"      <origin>{self.revision_id}</origin>\n"
                "      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
                f'      <text bytes="{len(revision.text.encode())}" sha1="{sha1}" '
                f'xml:space="preserve">{escape(revision.text)}</text>\n'
                f"      <sha1>{sha1}</sha1>\n    </revision>\n"
            )
            parent = self.revision_id
        out.append("  </page>\n")
        self.out.write("".join(out))

    def close(self) -> None:
        self.out.write("</mediawiki>\n")


def _history(rng: random.Random, people: list[Person], texts: list[str]) -> list[Revision]:
    """Revisions of a page, oldest first, the last holding ``texts[-1]``."""
    when = datetime.datetime(2014, 6, 1) + datetime.timedelta(minutes=rng.randint(0, 1_000_000))
    revisions = []
    for index, text in enumerate(texts):
        author = rng.choice(people) if rng.random() < 0.95 else None
        comment = (
            ("Created page from the strategy template" if len(texts) > 1 else "Created page")
            if index == 0
            else rng.choice(["Updated", "Added programs", "Scorecard", "Fixed links", "Review", ""])
        )
        revisions.append(Revision(when, author, comment, text, minor=rng.random() < 0.1))
        when += datetime.timedelta(minutes=rng.randint(60, 400_000))
    return revisions


def _write(path: Path, pages: int, seed: int) -> Plan:
    rng = random.Random(seed)  # noqa: S311 - sample text, not secrets
    plan = _plan(pages, rng)
    writer = _Writer(plan, rng)
    staff = [p for p in plan.people if p.account]
    with open(path, "w", encoding="utf-8", newline="\n") as stream:
        export = _Export(stream)
        export.page(
            "Main Page",
            _history(
                rng,
                staff,
                [f"Welcome to the Opioid Hub.\n\n* [[Site Introduction]]\n* [[{TOP_TITLE}]]"],
            ),
        )
        plan.skipped.append(("Main Page", "no map lists it"))
        export.page(
            "Site Introduction",
            _history(
                rng,
                staff,
                [f"This wiki holds our coalition's strategy map.\n\nStart at the [[{TOP_TITLE}]]."],
            ),
        )
        plan.skipped.append(("Site Introduction", "no map lists it"))
        export.page(
            "Template:Strategy page",
            _history(rng, staff, [writer.skeleton(Place("Strategy", "coalition", []))]),
            ns=10,
        )
        plan.skipped.append(("Template:Strategy page", "not an article (namespace 10)"))
        map_text = _map_text(rng, plan)
        export.page(TOP_TITLE, _history(rng, staff, [map_text.split("\n== ")[0], map_text]))

        # Zoom maps come just before the pages they list, as they were written.
        zooms = {zoom[0]: zoom for zoom in plan.zooms}
        places = list(plan.places)
        for index, place in enumerate(places):
            subject = place.crumbs[-1] if place.crumbs else None
            if subject in zooms:
                zoom = zooms.pop(subject)
                export.page(_zoom_title(subject), _history(rng, staff, [_zoom_text(plan, zoom)]))
            text, extra = writer.strategy(place)
            texts = [text]
            if rng.random() < 0.6:
                texts.insert(0, writer.skeleton(place))
            if rng.random() < 0.25:
                texts.insert(-1, re.sub(r"\n\| [^|\n]+ \|\|[^\n]*\n\|-", "", text))
            export.page(place.title, _history(rng, staff, texts))
            for list_title, list_text in extra:
                export.page(list_title, _history(rng, staff, [list_text]))
            if index % 40 == 7:
                talk = f"Talk:{place.title}"
                export.page(
                    talk,
                    _history(
                        rng,
                        staff,
                        [
                            "Should we add the 2020 numbers? --[[User:Mlee|Mlee]] "
                            "([[User talk:Mlee|talk]]) 14:02, 5 March 2019 (UTC)"
                        ],
                    ),
                    ns=1,
                )
                plan.skipped.append((talk, "not an article (namespace 1)"))
        # Pages renamed since: their old titles redirect to the new ones.
        for old, new in plan.renamed.items():
            export.page(old, _history(rng, staff, [f"#REDIRECT [[{new}]]"]), redirect=new)
            plan.skipped.append((old, f"a redirect to “{new}”"))
        for person in staff[:6]:
            user_page = f"User:{person.username.title()}"
            export.page(
                user_page,
                _history(rng, [person], [f"{person.name}, coalition staff. {person.email}"]),
                ns=2,
            )
            plan.skipped.append((user_page, "not an article (namespace 2)"))
        export.close()
    return plan


def write_dump(path: Path, *, pages: int = 500, seed: int = DEFAULT_SEED) -> None:
    """Write a generated MediaWiki export with ``pages`` strategy pages to ``path``."""
    _write(Path(path), pages, seed)


# Timing the import ---------------------------------------------------------------------------

_NOTE = re.compile(r"^  - “(?P<title>.+?)”: (?P<message>.*)$")
_ROW = re.compile(r"^  ([a-z][a-z ]*?) +(\d+) +(\d+)$", re.MULTILINE)  # kind, created, updated


def _notes(output: str, heading: str) -> list[tuple[str, str]]:
    """The (page, message) notes the report lists under a heading such as "Skipped"."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(f"{heading} ("):
            notes = []
            for item in lines[index + 1 :]:
                match = _NOTE.match(item)
                if not match:
                    break
                notes.append((match["title"], match["message"]))
            return notes
    return []


def _unexplained(reported: list[tuple[str, str]], expected: Expected) -> tuple[list, list]:
    """Notes the file does not call for, and expected notes the report does not give."""
    left = list(expected)
    extra = []
    for title, message in reported:
        match = next((e for e in left if e[0] == title and e[1] in message), None)
        if match is None:
            extra.append((title, message))
        else:
            left.remove(match)
    return extra, left


def _accounts(plan: Plan) -> int:
    """The coalition's staff, as accounts on the site (without a usable password)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    existing = set(user_model.objects.values_list("username", flat=True))
    users = []
    for person in plan.people:
        if person.account and person.username not in existing:
            user = user_model(
                username=person.username,
                first_name=person.first,
                last_name=person.last,
                email=person.email,
            )
            user.set_unusable_password()
            users.append(user)
    user_model.objects.bulk_create(users)
    return len(users)


def _row_counts() -> dict[str, int]:
    from reversion.models import Revision as StoredRevision
    from reversion.models import Version

    from programs.models import Program as ProgramRow
    from programs.models import Resource as ResourceRow
    from reviews.models import ExpertAssignment, Review
    from scorecards.models import Action, DataSource, Measure, Objective, Partner
    from strategy.models import Band, Strategy, StrategyMap, StrategyProgram, StrategyResource

    models = {
        "strategies": Strategy,
        "maps": StrategyMap,
        "bands": Band,
        "programs": ProgramRow,
        "program_links": StrategyProgram,
        "resources": ResourceRow,
        "resource_links": StrategyResource,
        "objectives": Objective,
        "measures": Measure,
        "data_sources": DataSource,
        "actions": Action,
        "partners": Partner,
        "experts": ExpertAssignment,
        "reviews": Review,
        "revisions": StoredRevision,
        "versions": Version,
    }
    return {name: model.objects.count() for name, model in models.items()}


def time_import(
    *, pages: int = 500, seed: int = DEFAULT_SEED, publish: bool = True, again: bool = False
) -> dict:
    """Time ``import_mediawiki`` on a generated export of ``pages`` strategy pages.

    Runs in the current database (a fresh one: counts are of rows the import
    added). Raises ImportCheckFailed when the report lists a failed page, a
    note or a skipped page the file does not call for (or misses one it
    does), or when fewer strategies than ``pages`` are created. ``again``
    imports the file a second time and checks that nothing changes.
    """
    from django.core.management import call_command
    from django.db import connection

    from strategy.models import Strategy

    with tempfile.TemporaryDirectory(prefix="wiki-dump-") as folder:
        path = Path(folder) / "wiki.xml"
        started = time.perf_counter()
        plan = _write(path, pages, seed)
        written = time.perf_counter() - started
        accounts = _accounts(plan)
        before = _row_counts()
        options = ["--publish"] if publish else []
        output = io.StringIO()
        started = time.perf_counter()
        call_command("import_mediawiki", str(path), *options, stdout=output, stderr=io.StringIO())
        seconds = time.perf_counter() - started
        report = output.getvalue()
        rerun = None
        if again:
            output = io.StringIO()
            started = time.perf_counter()
            call_command(
                "import_mediawiki", str(path), *options, stdout=output, stderr=io.StringIO()
            )
            rerun = time.perf_counter() - started
            changed = [row for row in _ROW.findall(output.getvalue()) if row[1:] != ("0", "0")]
            if changed:
                raise ImportCheckFailed(
                    "The second import of the same file changed "
                    + ", ".join(
                        f"{kind} ({new} created, {old} updated)" for kind, new, old in changed
                    )
                )
        size = path.stat().st_size

    after = _row_counts()
    created = {name: after[name] - before[name] for name in after}
    problems = []
    failed = _notes(report, "Failed, not imported")
    if failed:
        problems.append(f"{len(failed)} pages failed: " + "; ".join(f"{t}: {m}" for t, m in failed))
    extra, missing = _unexplained(_notes(report, "Could not place"), plan.warnings)
    problems += [f"unexpected note on “{t}”: {m}" for t, m in extra]
    problems += [f"expected note on “{t}” missing: …{m}…" for t, m in missing]
    extra, missing = _unexplained(_notes(report, "Skipped"), plan.skipped)
    problems += [f"unexpectedly skipped “{t}”: {m}" for t, m in extra]
    problems += [f"“{t}” should have been skipped ({m})" for t, m in missing]
    if "Listed on a map without a page in the file" in report:
        problems.append("strategies listed on a map have no page in the file")
    if created["strategies"] < pages:
        problems.append(f"{created['strategies']} strategies created for {pages} pages")
    if problems:
        raise ImportCheckFailed(
            f"The import of {pages} generated pages did not go as the file calls for:\n- "
            + "\n- ".join(problems[:40])
            + (f"\n… and {len(problems) - 40} more" if len(problems) > 40 else "")
        )
    statuses = dict.fromkeys(Strategy.Status.values, 0)
    for status in Strategy.objects.values_list("status", flat=True):
        statuses[status] += 1
    result = {
        "pages": pages,
        "seconds": round(seconds, 3),
        "strategies_created": created.pop("strategies"),
        **{f"{name}_created": count for name, count in created.items()},
        "published": statuses[Strategy.Status.PUBLISHED],
        "under_construction": statuses[Strategy.Status.UNDER_CONSTRUCTION],
        "drafts": statuses[Strategy.Status.DRAFT],
        "notes_expected": len(plan.warnings),
        "skipped_expected": len(plan.skipped),
        "accounts_created": accounts,
        "file_bytes": size,
        "write_seconds": round(written, 3),
        "database": connection.vendor,
        "publish": publish,
    }
    if rerun is not None:
        result["again_seconds"] = round(rerun, 3)
    return result


# Command line --------------------------------------------------------------------------------


def _setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500, help="strategy pages (default 500)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--drafts", action="store_true", help="import without --publish")
    parser.add_argument("--again", action="store_true", help="then import the file once more")
    parser.add_argument("--write", metavar="FILE", help="only write the export to FILE")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    if args.write:
        write_dump(Path(args.write), pages=args.pages, seed=args.seed)
        print(f"Wrote {args.write} ({Path(args.write).stat().st_size:,} bytes).")
        return
    _setup_django()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    if connection.vendor != "sqlite":
        # A name of its own, so that a test run on the same server is left alone.
        test = connection.settings_dict.setdefault("TEST", {})
        test["NAME"] = f"test_{connection.settings_dict['NAME']}_wiki_generator_{os.getpid()}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False)
    try:
        result = time_import(
            pages=args.pages, seed=args.seed, publish=not args.drafts, again=args.again
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()

"""The opioid demo: a top-level map, three zoom maps, a fully worked strategy page,
scorecards on most pages of every map, and a program library rated by its sources.

Loading is idempotent: every row is looked up by its natural key first and
only created when missing, so a second run writes nothing (and records no
revision). Existing rows are never overwritten, so edits made after loading
the demo survive a re-run. Each page and program gets a first revision of its
own, so reverting one of them later touches nothing else.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from reversion.models import Version

from accounts import roles
from base.periods import Frequency, parse_period
from base.revisions import ChangeKind, recorded_change
from changes.models import Watch
from programs.models import EvidenceRating, Implementation, Outcome, Program, Resource
from reviews.models import ExpertAssignment, Review
from reviews.services import refresh_review_date
from scorecards.models import Action, DataPoint, DataSource, Measure, Objective, Partner
from strategy.models import (
    Band,
    Strategy,
    StrategyLink,
    StrategyMap,
    StrategyProgram,
    StrategyResource,
    Theme,
)

TOP_LEVEL_SLUG = "opioid-top-level-strategy-map"
FEATURED_SLUG = "coordinate-improve-efforts-to-reduce-illegal-sales-of-opioids"
# When the demo's pages were written: before their first data (2024) and reviews (Dec 2025),
# so a reviewer may date a review back to any day since, as the site allows.
PAGES_CREATED_AT = datetime.datetime(2024, 6, 3, 9, 0, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    first_name: str
    last_name: str
    role: str | None
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("admin", "demo-admin-2026", "Site", "Administrator", None, True, True),
    DemoUser("editor", "demo-editor-2026", "Jordan", "Ellis", roles.EDITORS, True),
    DemoUser("manager", "demo-manager-2026", "Dana", "Rivera", roles.PAGE_MANAGERS, True),
    DemoUser("reviewer", "demo-reviewer-2026", "Sam", "Okafor", roles.REVIEWERS),
]


@dataclass(frozen=True)
class DemoMeasure:
    """A measure of one of the demo's other scorecards, with its values (period, value),
    oldest first, each for a period that has ended; ``note`` goes with the newest."""

    name: str
    unit: str
    polarity: str
    kind: str
    source: str
    frequency: str
    lag_days: int
    baseline: tuple[str, str]  # (value, period)
    target: tuple[str, str]
    values: list[tuple[str, str]]
    note: str = ""
    stale_after_months: int = 13


# The organisations that lead and join the demo's actions, by slug: (name, sector).
PARTNERS = {
    "city-police-department": ("City Police Department", Partner.Sector.LOCAL_LAW_ENFORCEMENT),
    "state-police-drug-task-force": (
        "State Police Drug Task Force",
        Partner.Sector.STATE_LAW_ENFORCEMENT,
    ),
    "us-attorneys-office": ("U.S. Attorney's Office", Partner.Sector.FEDERAL_LAW_ENFORCEMENT),
    "westside-neighborhood-association": (
        "Westside Neighborhood Association",
        Partner.Sector.COMMUNITY_LEADERS,
    ),
    "interfaith-council": ("Interfaith Council", Partner.Sector.FAITH),
    "community-care-services": ("Community Care Services", Partner.Sector.SOCIAL_SERVICES),
    "county-health-department": ("County Health Department", Partner.Sector.PUBLIC_HEALTH),
    "regional-pharmacists-association": (
        "Regional Pharmacists Association",
        Partner.Sector.HEALTH_CARE,
    ),
    "northside-recovery-center": ("Northside Recovery Center", Partner.Sector.TREATMENT),
    "county-school-district": ("County School District", Partner.Sector.SCHOOLS),
    "county-medical-society": ("County Medical Society", Partner.Sector.HEALTH_CARE),
}


@dataclass(frozen=True)
class DemoScorecard:
    """An objective on the page ``slug`` with its measures and its actions (title, status,
    lead partner, other partners, start, due)."""

    slug: str
    objective: str
    details: str
    measures: list[DemoMeasure]
    actions: list[tuple] = field(default_factory=list)


_HIGHER, _LOWER = Measure.Polarity.HIGHER_IS_BETTER, Measure.Polarity.LOWER_IS_BETTER
_KIND = Measure.Kind
_QUARTERS = [f"2025-Q{n}" for n in range(1, 5)] + [f"2026-Q{n}" for n in range(1, 4)]
_MONTHS = ["2025-11", "2025-12"] + [f"2026-{n:02d}" for n in range(1, 11)]


def _quarterly(*values: str) -> list[tuple[str, str]]:
    """Values for the quarters from 2025-Q1 on, as many as given."""
    return list(zip(_QUARTERS, values, strict=False))


# Where the measures below come from: data source → publisher.
MAP_SOURCES = {
    "County medical examiner case reports": "County Medical Examiner",
    "Youth Risk Behavior Survey": "State Department of Education",
    "National Survey on Drug Use and Health, substate estimates": (
        "Substance Abuse and Mental Health Services Administration"
    ),
    "U.S. Attorney's Office case statistics": "U.S. Attorney's Office",
    "City police incident reports": "City Police Department",
    "State prescription drug monitoring program": "State Board of Pharmacy",
    "Continuing-education course records": "County Medical Society",
    "Health department distribution logs": "County Health Department",
    "County EMS dispatch records": "County Emergency Medical Services",
    "Police and fire training records": "City Police Department",
    "Treatment provider intake records": "Northside Recovery Center",
    "State treatment admissions reports": "State Department of Health",
    "Coalition meeting sign-in sheets": "County Health Department",
    "Coalition data-sharing agreements": "County Health Department",
}

# Scorecards on most pages of the top-level map and its zoom maps, so that every box of
# the top-level map rolls up measures, and the roll-ups differ: results off track, supply
# and naloxone mostly on track, treatment falling behind, the coalition's own figures
# stale or missing. Every value is for a period that had ended by December 2026; the
# comments give each measure's status then.
MAP_SCORECARDS = [
    DemoScorecard(
        "reduce-opioid-overdose-deaths",
        "Fewer residents die of an opioid overdose",
        "",
        [
            # Off track, though falling for three quarters.
            DemoMeasure(
                "Suspected opioid overdose deaths reported by the medical examiner",
                "deaths per quarter", _LOWER, _KIND.POPULATION,
                "County medical examiner case reports", Frequency.QUARTERLY, 90,
                ("24", "2024"), ("15", "2027"), _quarterly("26", "29", "31", "27", "25", "23"),
                note="Provisional count. Down for a third quarter since naloxone reached "
                "every pharmacy, still well above the path to the target.",
            ),
        ],
    ),
    DemoScorecard(
        "reduce-opioid-misuse-and-addiction",
        "Fewer residents start misusing opioids",
        "Surveys of students and adults, which report every two years and every year.",
        [
            # At risk: a little short of the path to its target.
            DemoMeasure(
                "High-school students who misused a prescription pain reliever in the past "
                "30 days", "%", _LOWER, _KIND.POPULATION, "Youth Risk Behavior Survey",
                Frequency.YEARLY, 240, ("6.8", "2021"), ("4.0", "2027"),
                [("2021", "6.8"), ("2023", "5.9"), ("2025", "5.0")],
                stale_after_months=36,
            ),
            # Stale: the survey's regional estimates stopped at 2022.
            DemoMeasure(
                "Adults who misused prescription opioids in the past year", "%", _LOWER,
                _KIND.POPULATION, "National Survey on Drug Use and Health, substate estimates",
                Frequency.YEARLY, 365, ("4.1", "2020"), ("3.0", "2026"),
                [("2020", "4.1"), ("2021", "3.9"), ("2022", "3.8")],
                note="The newest regional estimate published; the coalition has asked the "
                "state for its own survey's figures.",
                stale_after_months=24,
            ),
        ],
        [
            ("Replace the old drug-education lessons with an evidence-based curriculum",
             Action.Status.IN_PROGRESS, "county-school-district", ["county-health-department"],
             datetime.date(2026, 1, 12), datetime.date(2027, 6, 30)),
        ],
    ),
    DemoScorecard(
        "disrupt-the-supply-of-illegal-drugs",
        "Cut the trafficking routes into the county",
        "",
        [
            DemoMeasure(
                "Trafficking cases accepted for federal prosecution", "cases per quarter",
                _HIGHER, _KIND.HOW_MUCH, "U.S. Attorney's Office case statistics",
                Frequency.QUARTERLY, 45, ("6", "2024"), ("12", "2027"),
                _quarterly("6", "7", "7", "8", "8", "9", "10"),
            ),
        ],
        [
            ("Share seizure intelligence between the task force and city police",
             Action.Status.IN_PROGRESS, "state-police-drug-task-force",
             ["city-police-department", "us-attorneys-office"],
             datetime.date(2025, 4, 1), datetime.date(2027, 3, 31)),
        ],
    ),
    DemoScorecard(
        "reduce-non-medical-access-to-prescription-drugs",
        "Get unused prescription opioids out of homes",
        "",
        [
            DemoMeasure(
                "Prescription opioids reported stolen from homes", "reports per quarter",
                _LOWER, _KIND.POPULATION, "City police incident reports", Frequency.QUARTERLY,
                45, ("38", "2024"), ("20", "2027"),
                _quarterly("37", "35", "33", "31", "30", "28", "27"),
            ),
        ],
    ),
    DemoScorecard(
        "reduce-prescription-of-opioids",
        "Fewer opioid prescriptions where other care would serve",
        "",
        [
            DemoMeasure(
                "Opioid prescriptions dispensed per 1,000 residents",
                "prescriptions per 1,000 a quarter", _LOWER, _KIND.POPULATION,
                "State prescription drug monitoring program", Frequency.QUARTERLY, 45,
                ("104", "2024-Q4"), ("80", "2027-Q4"),
                _quarterly("102", "99", "98", "95", "93", "90", "88"),
            ),
        ],
        [
            ("Send each prescriber a quarterly report of their prescribing beside their "
             "peers'", Action.Status.IN_PROGRESS, "county-health-department",
             ["county-medical-society", "regional-pharmacists-association"],
             datetime.date(2025, 10, 1), datetime.date(2027, 12, 31)),
        ],
    ),
    DemoScorecard(
        "promote-safer-prescribing-guidelines",
        "Prescribers follow current guidance for acute pain",
        "",
        [
            DemoMeasure(
                "Local prescribers who completed the opioid prescribing course", "%",
                _HIGHER, _KIND.HOW_MUCH, "Continuing-education course records",
                Frequency.QUARTERLY, 30, ("12", "2024-Q4"), ("70", "2027-Q4"),
                _quarterly("16", "22", "27", "31", "36", "41", "47"),
            ),
            # Off track: the course reached prescribers, the order sets did not change.
            DemoMeasure(
                "New opioid prescriptions written for more than seven days", "%", _LOWER,
                _KIND.HOW_WELL, "State prescription drug monitoring program",
                Frequency.QUARTERLY, 45, ("21", "2024-Q4"), ("10", "2027-Q4"),
                _quarterly("21", "20", "20", "19", "19", "19", "18"),
                note="Surgical practices still default to fourteen days in their order sets.",
            ),
        ],
        [
            ("Offer the prescribing course as free continuing education", Action.Status.DONE,
             "county-medical-society", ["county-health-department"],
             datetime.date(2025, 1, 15), datetime.date(2025, 6, 30)),
            ("Ask surgical practices to make seven days the default in their order sets",
             Action.Status.PLANNED, "county-medical-society", [],
             datetime.date(2027, 1, 11), datetime.date(2027, 9, 30)),
        ],
    ),
    DemoScorecard(
        "use-the-prescription-drug-monitoring-program",
        "Checking the monitoring program is routine before every opioid prescription",
        "",
        [
            DemoMeasure(
                "Prescribers registered with the monitoring program", "%", _HIGHER,
                _KIND.HOW_MUCH, "State prescription drug monitoring program", Frequency.YEARLY,
                60, ("81", "2024"), ("98", "2027"), [("2024", "81"), ("2025", "88")],
                stale_after_months=24,
            ),
            # At risk.
            DemoMeasure(
                "Opioid prescriptions preceded by a monitoring-program check", "%", _HIGHER,
                _KIND.HOW_WELL, "State prescription drug monitoring program",
                Frequency.QUARTERLY, 45, ("58", "2024-Q4"), ("90", "2027-Q4"),
                _quarterly("60", "63", "66", "68", "71", "74", "76"),
            ),
        ],
    ),
    DemoScorecard(
        "increase-access-to-overdose-reversal-medications",
        "Naloxone within reach wherever an overdose may happen",
        "",
        [
            DemoMeasure(
                "Naloxone kits distributed by the health department", "kits", _HIGHER,
                _KIND.HOW_MUCH, "Health department distribution logs", Frequency.MONTHLY, 30,
                ("410", "2025-06"), ("900", "2027-06"),
                list(zip(_MONTHS, ["480", "505", "530", "556", "580", "602", "628", "651",
                                   "676", "700", "731", "760"], strict=True)),
            ),
            # At risk.
            DemoMeasure(
                "Overdoses where a bystander gave naloxone before EMS arrived", "%", _HIGHER,
                _KIND.BETTER_OFF, "County EMS dispatch records", Frequency.QUARTERLY, 60,
                ("22", "2024-Q4"), ("40", "2027-Q4"),
                _quarterly("23", "25", "27", "28", "29", "31", "32"),
            ),
        ],
    ),
    DemoScorecard(
        "train-first-responders-to-administer-naloxone",
        "Every patrol car and fire engine carries naloxone, with a trained crew",
        "",
        [
            DemoMeasure(
                "Police officers and firefighters trained to give naloxone", "%", _HIGHER,
                _KIND.HOW_MUCH, "Police and fire training records", Frequency.QUARTERLY, 30,
                ("45", "2024-Q4"), ("95", "2026-Q4"),
                _quarterly("52", "61", "68", "74", "81", "88", "93"),
            ),
        ],
        [
            ("Train every patrol shift and fire company, and restock their kits",
             Action.Status.IN_PROGRESS, "city-police-department", ["county-health-department"],
             datetime.date(2025, 1, 6), datetime.date(2026, 12, 31)),
        ],
    ),
    DemoScorecard(
        "expand-access-to-medication-assisted-treatment",
        "Start treatment within days of asking, and stay in it",
        "",
        [
            # Off track, with the story behind it.
            DemoMeasure(
                "Days from asking for treatment to the first dose (median)", "days", _LOWER,
                _KIND.HOW_WELL, "Treatment provider intake records", Frequency.QUARTERLY, 45,
                ("9", "2024-Q4"), ("2", "2027-Q4"),
                _quarterly("9", "8", "8", "7", "8", "11", "13"),
                note="Northside's second clinic closed in May 2026 for want of a prescriber; "
                "its patients joined the waiting list.",
            ),
            # Off track: state figures arrive three months after the quarter.
            DemoMeasure(
                "Admissions to treatment for opioid use disorder", "admissions per quarter",
                _HIGHER, _KIND.HOW_MUCH, "State treatment admissions reports",
                Frequency.QUARTERLY, 90, ("310", "2024"), ("420", "2027"),
                _quarterly("312", "325", "334", "340", "331", "318"),
            ),
            # At risk: counted 90 days after each start, so due four months after the quarter.
            DemoMeasure(
                "Patients still in treatment 90 days after starting", "%", _HIGHER,
                _KIND.BETTER_OFF, "Treatment provider intake records", Frequency.QUARTERLY,
                120, ("48", "2024-Q4"), ("65", "2027-Q4"),
                _quarterly("49", "51", "52", "54", "55", "56"),
            ),
        ],
        [
            ("Recruit a prescriber and reopen the second clinic", Action.Status.IN_PROGRESS,
             "northside-recovery-center", ["county-health-department"],
             datetime.date(2026, 6, 1), datetime.date(2027, 3, 31)),
            ("Start buprenorphine in the emergency department, with a referral the same day",
             Action.Status.PLANNED, "county-medical-society", ["northside-recovery-center"],
             datetime.date(2027, 2, 1), datetime.date(2027, 12, 31)),
        ],
    ),
    DemoScorecard(
        "strengthen-community-coalitions",
        "Every sector at the table, every quarter",
        "",
        [
            # Stale: nobody has counted since the coordinator left.
            DemoMeasure(
                "Sectors represented at the quarterly coalition meeting", "of 11 sectors",
                _HIGHER, _KIND.HOW_WELL, "Coalition meeting sign-in sheets",
                Frequency.QUARTERLY, 30, ("7", "2024-Q4"), ("11", "2027-Q4"),
                _quarterly("8", "8", "9", "9"),
                note="The last meeting the coordinator recorded; the post has been vacant "
                "since January 2026.",
                stale_after_months=6,
            ),
            # No data: the agreement's first year has not been reported.
            DemoMeasure(
                "Partners sharing data under the coalition's data agreement", "partners",
                _HIGHER, _KIND.HOW_MUCH, "Coalition data-sharing agreements", Frequency.YEARLY,
                60, ("0", "2025"), ("9", "2027"), [],
            ),
        ],
        [
            # Overdue: shown as such on the dashboard.
            ("Fill the coalition coordinator's post", Action.Status.IN_PROGRESS,
             "county-health-department", ["westside-neighborhood-association"],
             datetime.date(2026, 2, 1), datetime.date(2026, 6, 30)),
        ],
    ),
]  # fmt: skip
MAP_SCORECARD_SLUGS = {scorecard.slug for scorecard in MAP_SCORECARDS}


@dataclass(frozen=True)
class DemoRating:
    source: str
    rating: str
    outcome: str
    url: str = ""
    rated_on: datetime.date | None = None


@dataclass(frozen=True)
class DemoProgram:
    """A program of the library, its ratings and the pages that recommend it (slug, note)."""

    slug: str
    name: str
    summary: str
    description: str
    place: str
    year: int | None
    ratings: list[DemoRating]
    pages: list[tuple[str, str]]


_RATING = EvidenceRating.Rating
CRIMESOLUTIONS = "https://crimesolutions.ojp.gov/"
WHAT_WORKS_FOR_HEALTH = "https://www.countyhealthrankings.org/"

# The worked page's program, as two sources judged it.
DMI_RATINGS = [
    DemoRating("Campbell Collaboration review of focused deterrence", _RATING.PROMISING,
               "Crime in and around drug markets", "https://www.campbellcollaboration.org/"),
    DemoRating("RAND evaluation of seven sites", _RATING.MIXED,
               "Overall and drug crime: down at one of the four sites that held a call-in",
               "https://www.rand.org/pubs/external_publications/EP67307.html",
               datetime.date(2017, 9, 15)),
]  # fmt: skip
# The library spans every rating, so each of its filters narrows to something; a program
# the evidence does not support is listed too, as a coalition's library would, to say so.
RATED_PROGRAMS = [
    DemoProgram(
        "naloxone-education-and-distribution", "Naloxone Education and Distribution",
        "Trains people likely to witness an overdose to recognise it and give naloxone, and "
        "hands them a kit.",
        "Outreach workers, pharmacists and health departments teach the signs of an "
        "overdose, rescue breathing and how to give naloxone, then give out kits to people "
        "who use drugs, their families and friends.",
        "Chicago, IL", 1996,
        [DemoRating("What Works for Health", _RATING.EFFECTIVE, "Opioid overdose deaths",
                    WHAT_WORKS_FOR_HEALTH)],
        [("increase-access-to-overdose-reversal-medications",
          "The backbone of the health department's distribution."),
         ("distribute-naloxone-through-pharmacies", "Pharmacists train as they dispense.")],
    ),
    DemoProgram(
        "medications-for-opioid-use-disorder", "Medications for Opioid Use Disorder",
        "Buprenorphine, methadone or naltrexone, with counselling, for people with an opioid "
        "use disorder.",
        "Medication relieves withdrawal and craving, so that a person can stay in "
        "treatment; the longer they stay, the lower their risk of dying of an overdose.",
        "New York, NY", 1964,
        [DemoRating("What Works for Health", _RATING.EFFECTIVE,
                    "Opioid use, overdose deaths and retention in treatment",
                    WHAT_WORKS_FOR_HEALTH)],
        [("expand-access-to-medication-assisted-treatment",
          "What the county's treatment providers offer.")],
    ),
    DemoProgram(
        "prescription-drug-monitoring-programs", "Prescription Drug Monitoring Programs",
        "A state database of dispensed controlled substances that prescribers and "
        "pharmacists check before prescribing.",
        "", "California", 1939,
        [DemoRating("Systematic review in the Annals of Internal Medicine", _RATING.MIXED,
                    "Overdoses: fewer from prescription opioids in some states, more from "
                    "heroin in others")],
        [("use-the-prescription-drug-monitoring-program",
          "The state's program; its effect depends on prescribers checking it.")],
    ),
    DemoProgram(
        "drug-take-back-programs", "Drug Take-Back Programs",
        "Drop boxes and collection days for unused medicine.",
        "", "", None,
        [DemoRating("Carnevale Associates policy brief", _RATING.INSUFFICIENT,
                    "Prescription drug misuse", rated_on=datetime.date(2012, 2, 29))],
        [("expand-drug-take-back-programs",
          "Popular and cheap; whether it reduces misuse is not yet known."),
         ("reduce-non-medical-access-to-prescription-drugs", "")],
    ),
    DemoProgram(
        "communities-that-care", "Communities That Care",
        "A coalition of local leaders chooses tested prevention programs from the risks its "
        "own youth survey shows.",
        "", "", None,
        [DemoRating("Blueprints for Healthy Youth Development", _RATING.PROMISING,
                    "Young people starting to use alcohol, tobacco and drugs",
                    "https://www.blueprintsprograms.org/")],
        [("strengthen-community-coalitions", "A model for how the coalition works."),
         ("reduce-opioid-misuse-and-addiction", "")],
    ),
    DemoProgram(
        "dare-original-curriculum", "D.A.R.E. (original curriculum)",
        "Police officers teach a classroom course on resisting drugs.",
        "", "Los Angeles, CA", 1983,
        [DemoRating("CrimeSolutions", _RATING.INEFFECTIVE, "Drug use among students",
                    CRIMESOLUTIONS)],
        [("reduce-opioid-misuse-and-addiction",
          "Still asked for by schools; evaluations found no effect on drug use, so the "
          "coalition funds other curricula.")],
    ),
]  # fmt: skip
RATED_PROGRAM_SLUGS = {slug for program in RATED_PROGRAMS for slug, _ in program.pages}


@dataclass
class DemoReport:
    created: dict[type, int] = field(default_factory=dict)
    users: list[DemoUser] = field(default_factory=lambda: DEMO_USERS)

    def count(self, model, was_created: bool):
        if was_created:
            self.created[model] = self.created.get(model, 0) + 1

    def count_many(self, model, number: int):
        if number:
            self.created[model] = self.created.get(model, 0) + number

    def describe(self) -> str:
        """What was created, e.g. "1 program, 24 data points"."""
        return ", ".join(
            f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
            for model, count in self.created.items()
        )

    @property
    def changed_anything(self) -> bool:
        return bool(self.created)


class _Loader:
    def __init__(self):
        self.report = DemoReport()

    def get_or_create(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        self.report.count(model, created)
        return obj

    # People -----------------------------------------------------------------

    def users(self) -> dict:
        people = {}
        for demo in DEMO_USERS:
            user, created = get_user_model().objects.get_or_create(
                username=demo.username,
                defaults={
                    "first_name": demo.first_name,
                    "last_name": demo.last_name,
                    "email": f"{demo.username}@example.org",
                    "is_staff": demo.is_staff,
                    "is_superuser": demo.is_superuser,
                },
            )
            if created:
                user.set_password(demo.password)
                user.save(update_fields=["password"])
                if demo.role:
                    user.groups.add(Group.objects.get(name=demo.role))
            self.report.count(get_user_model(), created)
            people[demo.username] = user
        return people

    # Maps -------------------------------------------------------------------

    def map(self, title, slug, summary, parent=None, zooms_into=None) -> StrategyMap:
        return self.get_or_create(
            StrategyMap,
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "parent": parent,
                "zooms_into": zooms_into,
            },
        )

    def band(self, strategy_map, title, order) -> Band:
        return self.get_or_create(Band, map=strategy_map, title=title, defaults={"order": order})

    def strategy(self, band, position, title, slug, intro, status, manager=None, **extra):
        page, created = Strategy.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "map": band.map,
                "band": band,
                "position": position,
                "intro": intro,
                "status": status,
                "page_manager": manager,
                **extra,
            },
        )
        self.report.count(Strategy, created)
        if created:  # the creation date is set on saving: the demo's is in the past
            Strategy.objects.filter(pk=page.pk).update(created_at=PAGES_CREATED_AT)
            page.created_at = PAGES_CREATED_AT
        return page

    def link(self, cause, effect, note=""):
        return self.get_or_create(StrategyLink, cause=cause, effect=effect, defaults={"note": note})

    def load(self) -> DemoReport:
        people = self.users()
        manager, reviewer = people["manager"], people["reviewer"]
        published, building = Strategy.Status.PUBLISHED, Strategy.Status.UNDER_CONSTRUCTION

        top = self.map(
            "Opioid Top-Level Strategy Map",
            TOP_LEVEL_SLUG,
            "The results a coalition works toward and the strategies that move them. "
            "Open a strategy to read its page, or its zoom map to see the strategies beneath it.",
        )
        results = self.band(top, "Community Results", 0)
        supply = self.band(top, "Reduce Supply and Access", 1)
        treatment = self.band(top, "Treatment, Rescue and Recovery", 2)
        capacity = self.band(top, "Coalition Capacity", 3)

        deaths = self.strategy(
            results,
            0,
            "Reduce Opioid Overdose Deaths",
            "reduce-opioid-overdose-deaths",
            "Fewer people in our community die of an opioid overdose.",
            published,
        )
        misuse = self.strategy(
            results,
            1,
            "Reduce Opioid Misuse and Addiction",
            "reduce-opioid-misuse-and-addiction",
            "Fewer residents start misusing opioids, and fewer develop an addiction.",
            published,
        )
        access = self.strategy(
            supply,
            0,
            "Reduce Access to Opioids",
            "reduce-access-to-opioids",
            "Make opioids harder to obtain outside of a prescriber's care.",
            published,
            manager,
        )
        prescribing = self.strategy(
            supply,
            1,
            "Reduce Prescription of Opioids",
            "reduce-prescription-of-opioids",
            "Prescribe opioids only when they are the right treatment, in the right amount.",
            building,
        )
        naloxone = self.strategy(
            treatment,
            0,
            "Increase Access to Overdose Reversal Medications",
            "increase-access-to-overdose-reversal-medications",
            "Put naloxone in the hands of the people most likely to witness an overdose.",
            published,
        )
        mat = self.strategy(
            treatment,
            1,
            "Expand Access to Medication-Assisted Treatment",
            "expand-access-to-medication-assisted-treatment",
            "Shorten the wait between asking for treatment and starting it.",
            building,
        )
        coalitions = self.strategy(
            capacity,
            0,
            "Strengthen Community Coalitions",
            "strengthen-community-coalitions",
            "Keep health, enforcement, treatment, schools and faith groups planning together.",
            building,
        )
        self.link(access, misuse, "Less supply, fewer people who start misusing opioids.")
        self.link(prescribing, misuse, "Fewer leftover pills in medicine cabinets.")
        self.link(naloxone, deaths, "Overdoses reversed before they become deaths.")
        self.link(mat, deaths, "People in treatment are far less likely to die of an overdose.")
        self.link(coalitions, access, "Partners who plan together act together.")

        access_map = self.map(
            "Reduce Access to Opioids",
            "reduce-access-to-opioids",
            "The strategies that together reduce access to opioids outside of medical care.",
            parent=top,
            zooms_into=access,
        )
        illegal = self.band(access_map, "Illegal supply", 0)
        diversion = self.band(access_map, "Diversion of prescription drugs", 1)
        self.strategy(
            illegal,
            0,
            "Disrupt the Supply of Illegal Drugs",
            "disrupt-the-supply-of-illegal-drugs",
            "Work with state and federal partners against the trafficking routes into the county.",
            building,
        )
        featured = self.featured_strategy(illegal, manager)
        non_medical = self.strategy(
            diversion,
            0,
            "Reduce Non-Medical Access to Prescription Drugs",
            "reduce-non-medical-access-to-prescription-drugs",
            "Keep prescription opioids from reaching people they were not prescribed for.",
            building,
            manager,
        )

        prescribing_map = self.map(
            "Reduce Prescription of Opioids",
            "reduce-prescription-of-opioids",
            "How prescribers, pharmacies and the public can bring down unneeded prescriptions.",
            parent=top,
            zooms_into=prescribing,
        )
        prescribers = self.band(prescribing_map, "Prescribers", 0)
        public = self.band(prescribing_map, "The public", 1)
        self.strategy(
            prescribers,
            0,
            "Promote Safer Prescribing Guidelines",
            "promote-safer-prescribing-guidelines",
            "Help local prescribers adopt current guidance on opioid prescribing for pain.",
            building,
        )
        self.strategy(
            prescribers,
            1,
            "Use the Prescription Drug Monitoring Program",
            "use-the-prescription-drug-monitoring-program",
            "Make checking the state's prescription monitoring database a routine step.",
            building,
        )
        take_back = self.strategy(
            public,
            0,
            "Expand Drug Take-Back Programs",
            "expand-drug-take-back-programs",
            "More permanent drop boxes and take-back days, so unused medicine leaves the home.",
            published,
        )

        naloxone_map = self.map(
            "Increase Access to Overdose Reversal Medications",
            "increase-access-to-overdose-reversal-medications",
            "Getting naloxone to people who can use it in time.",
            parent=top,
            zooms_into=naloxone,
        )
        distribution = self.band(naloxone_map, "Distribution", 0)
        training = self.band(naloxone_map, "Training", 1)
        pharmacies = self.strategy(
            distribution,
            0,
            "Distribute Naloxone Through Pharmacies",
            "distribute-naloxone-through-pharmacies",
            "Make naloxone available at every pharmacy counter without an appointment.",
            published,
        )
        self.strategy(
            training,
            0,
            "Train First Responders to Administer Naloxone",
            "train-first-responders-to-administer-naloxone",
            "Equip and train police officers and firefighters, who often arrive first.",
            building,
        )

        self.people_on_page(featured, reviewer)
        # Besides the pages they manage, which they watch by default.
        self.get_or_create(Watch, user=manager, strategy=deaths, defaults={"watching": True})
        self.updates_due(featured, non_medical, manager)
        self.more_scorecards(
            people["editor"], deaths=deaths, take_back=take_back, pharmacies=pharmacies
        )
        pages = Strategy.objects.in_bulk(
            MAP_SCORECARD_SLUGS | RATED_PROGRAM_SLUGS, field_name="slug"
        )
        self.map_scorecards(pages, editor=people["editor"])
        self.rated_programs(pages)
        self.themes(top)
        return self.report

    # Themes -------------------------------------------------------------------

    # Two strands of the top-level map, each a colour that runs down across its bands;
    # blue and purple, so that they are never read as a status (green, orange, red).
    THEMES = [
        (
            "Prevention",
            "#1f5fa8",
            ["reduce-opioid-misuse-and-addiction", "reduce-prescription-of-opioids"],
        ),
        (
            "Rescue and recovery",
            "#6f42c1",
            ["reduce-opioid-overdose-deaths", "increase-access-to-overdose-reversal-medications"],
        ),
    ]

    def themes(self, top) -> None:
        """Give the top-level map's pages their themes, leaving a theme chosen since alone."""
        for order, (name, colour, slugs) in enumerate(self.THEMES):
            theme = self.get_or_create(
                Theme, name=name, defaults={"colour": colour, "order": order}
            )
            for page in Strategy.objects.filter(map=top, slug__in=slugs, theme__isnull=True):
                page.theme = theme
                page.save(update_fields=["theme"])

    # The worked example ---------------------------------------------------------

    def featured_strategy(self, band, manager) -> Strategy:
        page = self.strategy(
            band,
            1,
            "Coordinate & Improve Efforts to Reduce Illegal Sales of Opioids",
            FEATURED_SLUG,
            "Open-air and covert drug markets put opioids within easy reach and bring "
            "violence to the neighborhoods around them. Enforcement alone tends to move a "
            "market rather than close it. This page collects approaches in which police, "
            "prosecutors, community leaders and service providers act together, so that "
            "dealers are offered a clear choice, the community's message is heard, and "
            "help is at hand for those who take it.",
            Strategy.Status.PUBLISHED,
            manager,
        )
        testimony = self.get_or_create(
            Resource,
            title="Written testimony on the Drug Market Intervention in Rutland, Vermont",
            defaults={
                "url": "https://nnscommunities.org/strategies/drug-market-intervention/",
                "publisher": "National Network for Safe Communities",
                "kind": Resource.Kind.TESTIMONY,
                "description": "How Rutland adapted the intervention to a citywide covert "
                "heroin market, and the change in crime that followed.",
            },
        )
        dmi = self.get_or_create(
            Program,
            slug="drug-market-intervention",
            defaults={
                "name": "Drug Market Intervention",
                "summary": "Closes overt drug markets by combining enforcement with a "
                "community call-in and an offer of help.",
                "description": (
                    "Law enforcement, community leaders and social service providers "
                    "together identify a drug market and the people dealing in it. Violent "
                    "dealers are arrested. Cases against non-violent dealers are built and "
                    "then suspended, and those dealers are invited with their families to a "
                    "*call-in*: a face-to-face meeting where the community says plainly that "
                    "open dealing must stop, and where services are offered to anyone ready "
                    "to take them."
                ),
                "first_implemented_place": "High Point, NC",
                "first_implemented_year": 2004,
                "website": "https://nnscommunities.org/strategies/drug-market-intervention/",
            },
        )
        self.get_or_create(
            Implementation,
            program=dmi,
            place="High Point, NC",
            defaults={
                "start_year": 2004,
                "notes": "Where the approach was first developed; overt markets closed and "
                "stayed closed.",
            },
        )
        rutland = self.get_or_create(
            Implementation,
            program=dmi,
            place="Rutland, VT",
            defaults={
                "start_year": 2014,
                "notes": "Adapted to test whether the same principles could disrupt a "
                "citywide covert heroin market.",
            },
        )
        for indicator, change in [
            ("Larceny and motor-vehicle theft", -31),
            ("Disorderly conduct", -37),
            ("Vandalism", -49),
            ("Burglaries", -53),
        ]:
            self.get_or_create(
                Outcome,
                implementation=rutland,
                indicator=indicator,
                defaults={"change_percent": change, "period": "since 2013", "source": testimony},
            )
        self.get_or_create(
            StrategyProgram,
            strategy=page,
            program=dmi,
            defaults={"note": "The best-documented approach for the markets this page targets."},
        )

        tools = [
            (
                "CrimeSolutions: rated programs and practices",
                "https://crimesolutions.ojp.gov/",
                "National Institute of Justice",
                Resource.Kind.WEBSITE,
                "Look up the evidence rating of an enforcement or prevention program.",
            ),
            (
                "What Works for Health",
                "https://www.countyhealthrankings.org/",
                "County Health Rankings & Roadmaps",
                Resource.Kind.WEBSITE,
                "Evidence summaries for community health strategies.",
            ),
        ]
        leads = [
            (
                "SAMHSA Evidence-Based Practices Resource Center",
                "https://www.samhsa.gov/resource-search/ebp",
                "Substance Abuse and Mental Health Services Administration",
                Resource.Kind.WEBSITE,
                "Check for treatment-side programs that pair well with a call-in.",
            ),
        ]
        for section, entries in [
            (StrategyResource.Section.TOOLS, tools),
            (StrategyResource.Section.INVESTIGATE, leads),
        ]:
            for order, (title, url, publisher, kind, note) in enumerate(entries):
                resource = self.get_or_create(
                    Resource,
                    title=title,
                    defaults={"url": url, "publisher": publisher, "kind": kind},
                )
                self.get_or_create(
                    StrategyResource,
                    strategy=page,
                    resource=resource,
                    section=section,
                    defaults={"note": note, "order": order},
                )
        self.scorecard(page)
        return page

    def scorecard(self, page):
        objective = self.get_or_create(
            Objective,
            strategy=page,
            title="Close the overt drug market in the target neighborhood",
            defaults={
                "details": "Measured by the property crime and overdose calls that follow an "
                "open market, compared with the year before the intervention.",
            },
        )
        police_reports = self.get_or_create(
            DataSource,
            name="City police incident reports",
            defaults={"publisher": "City Police Department"},
        )
        ems_calls = self.get_or_create(
            DataSource,
            name="County EMS dispatch records",
            defaults={"publisher": "County Emergency Medical Services"},
        )
        quarters = ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1",
                    "2026-Q2", "2026-Q3"]  # fmt: skip
        measures = [
            ("Burglaries in the target area", police_reports, 52, 25,
             [48, 45, 41, 39, 35, 33, 30, 28]),
            ("Larceny and motor-vehicle thefts in the target area", police_reports, 135, 90,
             [130, 126, 121, 118, 112, 109, 104, 99]),
            ("Overdose calls from the target area", ems_calls, 25, 12,
             [22, 24, 21, 19, 20, 17, 15, 14]),
            # Not every measure improves: complaints moved with the market, off track.
            ("Drug-sale complaints to the city hotline", police_reports, 60, 30,
             [58, 60, 63, 66, 70, 72, 75, 77]),
            # Defined, but nobody has reported a value yet: no data.
            ("Repeat overdoses among call-in participants", ems_calls, 9, 4, []),
        ]  # fmt: skip
        for order, (name, source, baseline, target, values) in enumerate(measures):
            measure = self.get_or_create(
                Measure,
                objective=objective,
                name=name,
                defaults={
                    "unit": "incidents per quarter",
                    "polarity": Measure.Polarity.LOWER_IS_BETTER,
                    "kind": Measure.Kind.POPULATION,
                    "data_source": source,
                    "baseline_value": baseline,
                    "baseline_period": "2024",
                    "target_value": target,
                    "target_period": "2027",
                    "order": order,
                },
            )
            points = zip(quarters[: len(values)], values, strict=True)
            self.data_points(measure, list(points), "", new_measure=False)

        actions = [
            ("Map the market and identify the dealers", Action.Status.DONE,
             "city-police-department", ["state-police-drug-task-force", "us-attorneys-office"],
             datetime.date(2025, 1, 6), datetime.date(2025, 4, 30)),
            ("Hold the call-in with dealers and their families", Action.Status.IN_PROGRESS,
             "westside-neighborhood-association",
             ["interfaith-council", "city-police-department", "community-care-services"],
             datetime.date(2025, 5, 1), datetime.date(2026, 12, 15)),
            ("Connect call-in participants to jobs and treatment", Action.Status.PLANNED,
             "community-care-services", ["interfaith-council"],
             datetime.date(2026, 1, 15), datetime.date(2027, 6, 30)),
        ]  # fmt: skip
        for order, (title, status, lead, partner_slugs, start, due) in enumerate(actions):
            self.action(objective, order, title, status, lead, partner_slugs, start, due)

    def partner(self, slug) -> Partner:
        name, sector = PARTNERS[slug]
        return self.get_or_create(Partner, slug=slug, defaults={"name": name, "sector": sector})

    def action(self, objective, order, title, status, lead, partner_slugs, start, due):
        """An action led by the partner ``lead``, joined by ``partner_slugs`` when created."""
        action, created = Action.objects.get_or_create(
            objective=objective,
            title=title,
            defaults={
                "status": status,
                "lead": self.partner(lead),
                "start_date": start,
                "due_date": due,
                "order": order,
            },
        )
        self.report.count(Action, created)
        if created:
            action.partners.set([self.partner(slug) for slug in partner_slugs])
        return action

    def updates_due(self, featured, non_medical, manager):
        """Work left for the demo's page manager, so their updates queue is not empty: a
        measure whose newest values have not been entered and an action past its due date."""
        objective = featured.objectives.get()
        case_records = self.get_or_create(
            DataSource,
            name="Community Care Services case records",
            defaults={"publisher": "Community Care Services"},
        )
        accepted = self.get_or_create(
            Measure,
            objective=objective,
            name="Call-in participants who accepted services",
            defaults={
                "unit": "%",
                "polarity": Measure.Polarity.HIGHER_IS_BETTER,
                "kind": Measure.Kind.BETTER_OFF,
                "data_source": case_records,
                "baseline_value": 35,
                "baseline_period": "2024",
                "target_value": 75,
                "target_period": "2027",
                "order": 3,
            },
        )
        # Entered up to 2026-Q1: every later quarter's value is due and missing.
        for period, value in [("2025-Q3", 40), ("2025-Q4", 46), ("2026-Q1", 52)]:
            self.get_or_create(
                DataPoint, measure=accepted, period=period, defaults={"value": value}
            )
        take_back = self.get_or_create(
            Objective,
            strategy=non_medical,
            title="Get unused prescription opioids out of homes",
        )
        self.get_or_create(
            Action,
            objective=take_back,
            title="Put a permanent drop box in every pharmacy in the county",
            defaults={
                "status": Action.Status.IN_PROGRESS,
                "responsible": manager,
                "start_date": datetime.date(2026, 1, 15),
                "due_date": datetime.date(2026, 9, 30),
            },
        )

    def more_scorecards(self, editor, *, deaths, take_back, pharmacies):
        """Scorecards on three more published pages, one on the top-level map and one on each
        of two zoom maps, whose measures the demo editor keeps: monthly, quarterly and yearly
        figures that are on track, at risk, off track or not reported yet, and actions led and
        joined by partners of other sectors than the worked page's."""
        sources = {
            "State vital statistics death records": "State Department of Health",
            "County hospital emergency department records": "County Health Department",
            "Drop-box collection logs": "County Health Department",
            "Pharmacy survey": "Regional Pharmacists Association",
            "State pharmacy dispensing reports": "State Board of Pharmacy",
            "Pharmacy stock checks": "County Health Department",
        }
        monthly, quarterly, yearly = Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY
        lower, higher = Measure.Polarity.LOWER_IS_BETTER, Measure.Polarity.HIGHER_IS_BETTER
        kind = Measure.Kind
        months = [f"2025-{month}" for month in (11, 12)] + [f"2026-{n:02d}" for n in range(1, 11)]
        scorecards = [
            (
                deaths,
                "Fewer residents die of an opioid overdose",
                "Counted from death certificates, which the state publishes about nine "
                "months after the year ends.",
                [
                    # Off track, with the story behind its newest value.
                    DemoMeasure(
                        "Opioid overdose death rate", "per 100,000 residents", lower,
                        kind.POPULATION, "State vital statistics death records", yearly, 270,
                        ("32.4", "2023"), ("20", "2028"),
                        [("2023", "32.4"), ("2024", "29.6"), ("2025", "33.8")],
                        note="Fentanyl mixed with xylazine reached the county in spring "
                        "2025; deaths rose most among men aged 25 to 44.",
                        stale_after_months=36,
                    ),
                    # Defined, but the hospitals have not reported a value yet: no data.
                    DemoMeasure(
                        "Emergency department visits for opioid overdose", "visits per quarter",
                        lower, kind.POPULATION, "County hospital emergency department records",
                        quarterly, 60, ("140", "2025"), ("100", "2027"), [],
                    ),
                ],
                [
                    ("Review every overdose death with the medical examiner",
                     Action.Status.IN_PROGRESS, "county-health-department",
                     ["city-police-department", "northside-recovery-center"],
                     datetime.date(2025, 2, 1), datetime.date(2027, 12, 31)),
                    ("Follow up within 72 hours after every non-fatal overdose",
                     Action.Status.PLANNED, "northside-recovery-center",
                     ["community-care-services"],
                     datetime.date(2027, 1, 4), datetime.date(2027, 12, 31)),
                ],
            ),
            (
                take_back,
                "Collect unused medicine where residents already go",
                "",
                [
                    # On track, reported monthly.
                    DemoMeasure(
                        "Unused medicine collected at drop boxes", "lb", higher,
                        kind.HOW_MUCH, "Drop-box collection logs", monthly, 30,
                        ("310", "2025-06"), ("500", "2027-06"),
                        list(zip(months, ["342", "355", "331", "360", "372", "401", "385",
                                          "392", "404", "411", "423", "452"], strict=True)),
                    ),
                    # On track, reported yearly.
                    DemoMeasure(
                        "Pharmacies with a permanent drop box", "%", higher, kind.HOW_MUCH,
                        "Pharmacy survey", yearly, 90, ("20", "2024"), ("80", "2027"),
                        [("2024", "20"), ("2025", "41")], stale_after_months=36,
                    ),
                ],
                [
                    ("Hold a take-back day each spring and fall at the fire stations",
                     Action.Status.IN_PROGRESS, "county-health-department",
                     ["city-police-department"],
                     datetime.date(2026, 3, 1), datetime.date(2027, 11, 30)),
                    ("Put a return envelope in every bag with an opioid prescription",
                     Action.Status.PLANNED, "regional-pharmacists-association",
                     ["county-health-department"],
                     datetime.date(2027, 2, 1), datetime.date(2027, 12, 31)),
                ],
            ),
            (
                pharmacies,
                "Naloxone at every pharmacy counter, no appointment needed",
                "",
                [
                    # On track, reported monthly.
                    DemoMeasure(
                        "Naloxone kits dispensed without a prescription", "kits", higher,
                        kind.HOW_MUCH, "State pharmacy dispensing reports", monthly, 30,
                        ("120", "2025-06"), ("300", "2027-06"),
                        list(zip(months, ["168", "175", "181", "190", "197", "204", "212",
                                          "219", "226", "233", "241", "252"], strict=True)),
                    ),
                    # At risk: a little short of where the path to its target stands.
                    DemoMeasure(
                        "Pharmacies with naloxone in stock when checked", "%", higher,
                        kind.HOW_WELL, "Pharmacy stock checks", quarterly, 45,
                        ("55", "2024-Q4"), ("95", "2027-Q4"),
                        [("2025-Q1", "58"), ("2025-Q2", "63"), ("2025-Q3", "66"),
                         ("2025-Q4", "70"), ("2026-Q1", "72"), ("2026-Q2", "75"),
                         ("2026-Q3", "77")],
                    ),
                ],
                [
                    ("Stock naloxone at every pharmacy under the statewide standing order",
                     Action.Status.IN_PROGRESS, "regional-pharmacists-association",
                     ["county-health-department"],
                     datetime.date(2025, 9, 1), datetime.date(2027, 6, 30)),
                    ("Train pharmacy staff to offer naloxone with every opioid prescription",
                     Action.Status.DONE, "county-health-department",
                     ["regional-pharmacists-association", "northside-recovery-center"],
                     datetime.date(2025, 3, 1), datetime.date(2025, 10, 31)),
                ],
            ),
        ]  # fmt: skip
        for page, title, details, measures, actions in scorecards:
            objective = self.get_or_create(
                Objective, strategy=page, title=title, defaults={"details": details}
            )
            for order, demo in enumerate(measures):
                source = self.get_or_create(
                    DataSource, name=demo.source, defaults={"publisher": sources[demo.source]}
                )
                measure = self.get_or_create(
                    Measure,
                    objective=objective,
                    name=demo.name,
                    defaults={
                        "unit": demo.unit,
                        "polarity": demo.polarity,
                        "kind": demo.kind,
                        "data_source": source,
                        "baseline_value": Decimal(demo.baseline[0]),
                        "baseline_period": demo.baseline[1],
                        "target_value": Decimal(demo.target[0]),
                        "target_period": demo.target[1],
                        "owner": editor,
                        "frequency": demo.frequency,
                        "lag_days": demo.lag_days,
                        "stale_after_months": demo.stale_after_months,
                        "order": order,
                    },
                )
                self.data_points(measure, demo.values, demo.note, new_measure=False)
            for order, (title, status, lead, partner_slugs, start, due) in enumerate(actions):
                self.action(objective, order, title, status, lead, partner_slugs, start, due)

    # Scorecards across the maps, and the program library -----------------------------

    def data_points(self, measure, values, note, *, new_measure: bool):
        """The measure's values (period, value), oldest first, that it lacks, in one
        query; ``note`` goes with the newest."""
        stored = set() if new_measure else set(measure.data_points.values_list("period", flat=True))
        missing = []
        for number, (label, value) in enumerate(values, start=1):
            period = parse_period(label)
            if period.label not in stored:
                missing.append(
                    DataPoint(
                        measure=measure,
                        period=period.label,
                        period_start=period.start,  # bulk_create skips save(), which sets it
                        value=Decimal(str(value)),
                        note=note if number == len(values) else "",
                    )
                )
        DataPoint.objects.bulk_create(missing)
        self.report.count_many(DataPoint, len(missing))

    def map_scorecards(self, pages, *, editor):
        """``MAP_SCORECARDS`` on their pages. A measure on a page with a manager is theirs to
        keep; the editor keeps the others'."""
        sources = {}
        for scorecard in MAP_SCORECARDS:
            page = pages[scorecard.slug]
            objective = self.get_or_create(
                Objective,
                strategy=page,
                title=scorecard.objective,
                defaults={"details": scorecard.details},
            )
            for order, demo in enumerate(scorecard.measures):
                if demo.source not in sources:
                    sources[demo.source] = self.get_or_create(
                        DataSource,
                        name=demo.source,
                        defaults={"publisher": MAP_SOURCES[demo.source]},
                    )
                measure, created = Measure.objects.get_or_create(
                    objective=objective,
                    name=demo.name,
                    defaults={
                        "unit": demo.unit,
                        "polarity": demo.polarity,
                        "kind": demo.kind,
                        "data_source": sources[demo.source],
                        "baseline_value": Decimal(demo.baseline[0]),
                        "baseline_period": demo.baseline[1],
                        "target_value": Decimal(demo.target[0]),
                        "target_period": demo.target[1],
                        "owner": None if page.page_manager_id else editor,
                        "frequency": demo.frequency,
                        "lag_days": demo.lag_days,
                        "stale_after_months": demo.stale_after_months,
                        # After the measures an earlier part of the demo put on the objective.
                        "order": 10 + order,
                    },
                )
                self.report.count(Measure, created)
                self.data_points(measure, demo.values, demo.note, new_measure=created)
            for order, (title, status, lead, partner_slugs, start, due) in enumerate(
                scorecard.actions
            ):
                self.action(objective, order, title, status, lead, partner_slugs, start, due)

    def rating(self, program, demo: DemoRating):
        self.get_or_create(
            EvidenceRating,
            program=program,
            source=demo.source,
            defaults={
                "rating": demo.rating,
                "outcome_rated": demo.outcome,
                "url": demo.url,
                "rated_on": demo.rated_on,
            },
        )

    def rated_programs(self, pages):
        """``RATED_PROGRAMS`` with their ratings and the pages that recommend them, and the
        worked page's program's ratings."""
        dmi = Program.objects.get(slug="drug-market-intervention")
        for demo in DMI_RATINGS:
            self.rating(dmi, demo)
        for demo in RATED_PROGRAMS:
            program = self.get_or_create(
                Program,
                slug=demo.slug,
                defaults={
                    "name": demo.name,
                    "summary": demo.summary,
                    "description": demo.description,
                    "first_implemented_place": demo.place,
                    "first_implemented_year": demo.year,
                },
            )
            for rating in demo.ratings:
                self.rating(program, rating)
            for slug, note in demo.pages:
                self.get_or_create(
                    StrategyProgram, strategy=pages[slug], program=program, defaults={"note": note}
                )

    def people_on_page(self, page, reviewer):
        self.get_or_create(
            ExpertAssignment,
            strategy=page,
            expert=reviewer,
            defaults={"area": "Drug market interventions and community policing"},
        )
        self.get_or_create(
            Review,
            strategy=page,
            reviewer_name="Dr. Lee Carter",
            reviewed_on=datetime.date(2025, 12, 3),
            defaults={
                "comments": "The Rutland figures are well sourced. Add a measure for "
                "overdose calls so the health side of the market is visible too.",
            },
        )
        self.get_or_create(
            Review,
            strategy=page,
            reviewer=reviewer,
            reviewed_on=datetime.date(2026, 3, 4),
            defaults={
                "comments": "Overdose calls are now tracked. Next: record which call-in "
                "participants accepted services.",
            },
        )
        # "Last reviewed" is worked out from the reviews.
        refresh_review_date(page)


def _record_first_revisions():
    """Give each demo page and program a revision of its own, with nothing else in it."""
    for model in (Strategy, Program):
        recorded = set(Version.objects.get_for_model(model).values_list("object_id", flat=True))
        for obj in model.objects.all():
            if str(obj.pk) not in recorded:
                with recorded_change(user=None, comment="Demo content", kind=ChangeKind.IMPORT):
                    reversion.add_to_revision(obj)


def load_demo() -> DemoReport:
    """Create whatever part of the demo is missing, in one transaction."""
    with transaction.atomic():
        report = _Loader().load()
        if report.changed_anything:
            _record_first_revisions()
    return report

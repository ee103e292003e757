"""A synthetic workspace for ``rotnem demo``: people, titles, departments, a manager chain, time
zones on three continents and tool interests, all drawn from one seed.

Nothing here knows the bot: it only describes people. Tool names are the ones the starting
catalogue offers (migration 0003), so the demo's driver can pick them in the real profile modal
by their labels; a renamed tool makes the demo fail loudly, which is intended.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Literal

Role = Literal["guide", "learner", "both"]

ADMIN_ID: Final = "UHRADMIN1"

FIRST_NAMES: Final = (
    "Ana", "Ben", "Chiara", "Dmitri", "Emeka", "Fatima", "Goran", "Hana", "Ines", "Jonas",
    "Kenji", "Leila", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sami", "Tomoko",
    "Uche", "Valeria", "Wei", "Ximena", "Yusuf", "Zofia", "Amara", "Bruno", "Camille", "Darius",
    "Elif", "Farid", "Greta", "Hiro", "Ingrid", "Joao", "Kavya", "Lars", "Mei", "Nikolai",
    "Olga", "Pablo", "Rania", "Sven", "Thandi", "Umar", "Vera", "Wanjiru", "Yara", "Zane",
)  # fmt: skip
LAST_NAMES: Final = (
    "Silva", "Okafor", "Rossi", "Ivanova", "Mensah", "Haddad", "Novak", "Sato", "Ferreira",
    "Becker", "Tanaka", "Karimi", "Lopez", "Petrov", "Lindqvist", "Sharma", "Moreau", "Garcia",
    "Nakamura", "Adeyemi", "Kowalski", "Chen", "Nguyen", "Yilmaz", "Dubois", "O'Brien", "Kim",
    "Jensen", "Mwangi", "Costa", "Fischer", "Ali", "Park", "Smith", "Andersen", "Reyes",
)  # fmt: skip
# Three continents, so weekly prompts go out at each person's own 10:00.
TIME_ZONES: Final = (
    ("Europe/London", 4),
    ("Europe/Berlin", 3),
    ("Europe/Madrid", 2),
    ("America/New_York", 4),
    ("America/Chicago", 2),
    ("America/Sao_Paulo", 1),
    ("Asia/Singapore", 2),
    ("Asia/Tokyo", 1),
    ("Asia/Kolkata", 1),
)
# "R&D" keeps the renderers honest about escaping.
DEPARTMENTS: Final = (
    "Finance", "Sales", "Marketing", "Operations", "Legal", "R&D", "Customer Success",
    "Supply Chain",
)  # fmt: skip
JUNIOR_TITLES: Final = (
    "Analyst", "Associate", "Coordinator", "Graduate Trainee", "Specialist", "Assistant",
)  # fmt: skip
SENIOR_TITLES: Final = ("Director", "Head", "VP", "Senior Manager", "Principal")
# (tool, how popular it is with guides, with learners), from the starting catalogue.
TOOLS: Final = (
    ("ChatGPT", 6, 8),
    ("Microsoft Copilot", 3, 5),
    ("Claude", 2, 2),
    ("Prompt writing", 3, 4),
    ("Excel formulas", 2, 3),
    ("Google Sheets", 2, 1),
    ("Zapier", 2, 2),
    ("Power Automate", 1, 2),
    ("Canva", 4, 3),
    ("Loom", 3, 2),
    ("CapCut", 2, 1),
    ("LinkedIn", 3, 4),
    ("TikTok", 3, 2),
    ("Instagram", 2, 1),
    ("Notion", 3, 2),
    ("Miro", 2, 2),
    ("Slack power features", 3, 3),
    ("Smartphone shortcuts", 2, 3),
    ("Password managers", 1, 2),
)
SHARES: Final = (
    "how budget decisions really get made",
    "what the board looks for in a proposal",
    "how to run a negotiation with a big customer",
    "how promotions are decided",
    "how we plan the year in {dept}",
    "reading a P&L without fear",
    "how to get a project funded",
    "what I wish I'd known in my first job here",
)
GOALS: Final = (
    "Stop being the person who prints emails.",
    "Use AI for first drafts of board papers.",
    "Understand what our younger customers actually use.",
    "Automate the monthly report I build by hand.",
    "Get better at explaining my work to leadership.",
    "Learn how decisions are made above my team.",
)


@dataclass(frozen=True)
class Person:
    """One member of the synthetic workspace (the admin included, with ``role`` None)."""

    user_id: str
    name: str
    title: str
    department: str
    tz: str
    role: Role | None
    teaches: tuple[str, ...] = ()
    learns: tuple[str, ...] = ()
    manager_id: str | None = None
    share: str | None = None
    goals: str | None = None
    capacity: int = 1
    # The Slack locale they read Slack in (users.info with include_locale).
    locale: str = "en-US"

    @property
    def is_admin(self) -> bool:
        return self.role is None


@dataclass(frozen=True)
class Workspace:
    """Everyone, the HR admin first; participants are everyone else."""

    seed: int
    people: tuple[Person, ...]
    _by_id: dict[str, Person] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({p.user_id: p for p in self.people})

    @property
    def admin(self) -> Person:
        return self.people[0]

    @property
    def participants(self) -> tuple[Person, ...]:
        return self.people[1:]

    def person(self, user_id: str) -> Person:
        return self._by_id[user_id]

    def reading(self, language: str) -> tuple[Person, ...]:
        """Who reads Slack in ``language`` ("fr"), in the workspace's order."""
        return tuple(p for p in self.people if p.locale.split("-", 1)[0] == language)

    def name_of(self, user_id: str) -> str:
        person = self._by_id.get(user_id)
        return person.name if person else user_id

    def __iter__(self) -> Iterator[Person]:
        return iter(self.people)

    def __len__(self) -> int:
        return len(self.people)


def _weighted(rng: random.Random, items: Sequence[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in items], weights=[w for _, w in items])[0]


def _tools(rng: random.Random, column: int, count: int, avoid: Sequence[str] = ()) -> list[str]:
    pool = [(t[0], int(t[column])) for t in TOOLS if t[0] not in avoid]
    chosen: list[str] = []
    while len(chosen) < count and pool:
        name = _weighted(rng, pool)
        chosen.append(name)
        pool = [item for item in pool if item[0] != name]
    return chosen


def _names(rng: random.Random, count: int) -> list[str]:
    combos = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(combos)
    # First names repeat only once every first name is taken, so small demos read easily.
    by_first: dict[str, list[str]] = {}
    for name in combos:
        by_first.setdefault(name.split(" ", 1)[0], []).append(name)
    ordered: list[str] = []
    while len(ordered) < count:
        for first in list(by_first):
            if by_first[first]:
                ordered.append(by_first[first].pop())
    rng.shuffle(ordered)
    return ordered[:count]


def roles_for(count: int) -> list[Role]:
    """About a third guides, half learners, the rest both ways (``count`` participants)."""
    guides = max(1, round(count / 3))
    learners = max(1, round(count / 2))
    both = max(0, count - guides - learners)
    roles: list[Role] = ["guide"] * guides
    return roles + ["learner"] * learners + ["both"] * both


# The Slack locale a person reading each language has, in the demo.
LOCALES: Final = {"en": "en-US", "fr": "fr-FR", "es": "es-ES", "de": "de-DE"}


def compatible(guide: Person, learner: Person) -> bool:
    """Whether ``guide`` teaches a tool ``learner`` wants, from another department (so neither
    is in the other's reporting line)."""
    return (
        guide.department != learner.department
        and guide.manager_id != learner.user_id
        and learner.manager_id != guide.user_id
        and bool(set(guide.teaches) & set(learner.learns))
    )


def with_pair_reading(
    workspace: Workspace, language: str, *, avoid: Sequence[str] = ()
) -> Workspace:
    """The workspace where one guide and a learner they could guide read Slack in ``language``
    (everyone else keeps theirs): the first such pair in the workspace's order, guides by role
    first, nobody in ``avoid``. Unchanged when ``language`` has no locale here, or no pair fits.
    """
    locale = LOCALES.get(language)
    if locale is None or locale == LOCALES["en"]:
        return workspace
    people = [p for p in workspace.participants if p.user_id not in avoid]
    guides = [p for p in people if p.role == "guide"] + [p for p in people if p.role == "both"]
    learners = [p for p in people if p.role == "learner"] + [p for p in people if p.role == "both"]
    for guide in guides:
        for learner in learners:
            if guide.user_id != learner.user_id and compatible(guide, learner):
                chosen = {guide.user_id, learner.user_id}
                return Workspace(
                    seed=workspace.seed,
                    people=tuple(
                        replace(p, locale=locale) if p.user_id in chosen else p
                        for p in workspace.people
                    ),
                )
    return workspace


def make_workspace(people: int, seed: int) -> Workspace:
    """``people`` synthetic people (at least 3): one HR admin and the participants."""
    if people < 3:
        raise ValueError("a workspace needs at least 3 people: an HR admin and a pair")
    if people > len(FIRST_NAMES) * len(LAST_NAMES):
        raise ValueError(f"at most {len(FIRST_NAMES) * len(LAST_NAMES)} people")
    rng = random.Random(seed)
    names = _names(rng, people)
    admin = Person(
        user_id=ADMIN_ID,
        name=names[0],
        title="Head of People",
        department="People",
        tz="Europe/London",
        role=None,
    )
    roles = roles_for(people - 1)
    rng.shuffle(roles)
    participants: list[Person] = []
    for index, role in enumerate(roles, start=1):
        department = rng.choice(DEPARTMENTS)
        senior = role == "learner"
        title = (
            f"{rng.choice(SENIOR_TITLES)}, {department}"
            if senior
            else f"{department} {rng.choice(JUNIOR_TITLES)}"
        )
        teaches: list[str] = []
        learns: list[str] = []
        if role in ("guide", "both"):
            teaches = _tools(rng, 1, rng.randint(2, 4) if role == "guide" else 2)
        if role in ("learner", "both"):
            learns = _tools(rng, 2, rng.randint(2, 3) if role == "learner" else 1, teaches)
        share = None
        if role in ("learner", "both") and rng.random() < 0.7:
            share = rng.choice(SHARES).format(dept=department)
        participants.append(
            Person(
                user_id=f"UD{index:05d}",
                name=names[index],
                title=title,
                department=department,
                tz=_weighted(rng, TIME_ZONES),
                role=role,
                teaches=tuple(teaches),
                learns=tuple(learns),
                share=share,
                goals=rng.choice(GOALS) if rng.random() < 0.4 else None,
                capacity=2 if role == "guide" and rng.random() < 0.15 else 1,
            )
        )
    # The manager chain: the most senior learner of each department leads it and reports to
    # nobody here; everyone else in the department reports to them.
    heads: dict[str, str] = {}
    for person in participants:
        if person.role == "learner" and person.department not in heads:
            heads[person.department] = person.user_id
    chained = [
        replace(p, manager_id=heads[p.department])
        if p.department in heads and heads[p.department] != p.user_id
        else p
        for p in participants
    ]
    return Workspace(seed=seed, people=(admin, *chained))


__all__ = [
    "ADMIN_ID",
    "LOCALES",
    "Person",
    "Role",
    "Workspace",
    "compatible",
    "make_workspace",
    "roles_for",
    "with_pair_reading",
]

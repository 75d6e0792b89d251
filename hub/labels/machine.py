"""The carbon label's state machine, loaded from its one declaration (machine.yaml) and checked on load.

Data, not code: the states, and for each step the states it may start from, the state it leads to and the one
role that may take it. The services ask the machine whether a step may start from a label's status; nothing
else in the hub decides that.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from hub.domain.codes import LabelStatus
from hub.validation import FieldError, InvalidInput

DECLARATION = Path(__file__).resolve().parent / "machine.yaml"
SYSTEM = "system"  # the hub itself: a job with the hub's clock, no caller


@dataclass(frozen=True)
class Step:
    name: str
    role: str
    sources: frozenset[LabelStatus]  # empty: the step creates the label
    target: LabelStatus
    mutation: str | None  # None: a job of the hub (role `system`)
    doc: str


@dataclass(frozen=True)
class Machine:
    states: dict[LabelStatus, dict[str, Any]]
    steps: dict[str, Step]
    validity_months: int
    recheck_months: int

    def step(self, name: str) -> Step:
        return self.steps[name]

    def in_force(self) -> frozenset[LabelStatus]:
        """The states in which a label holds its footprint and scheme (at most one such label per pair)."""
        return frozenset(s for s, facts in self.states.items() if facts["in_force"])

    def require(self, name: str, seen: LabelStatus) -> Step:
        """The step `name`, when it may start from `seen`; else the error a caller reads (on $.status)."""
        step = self.steps[name]
        if seen not in step.sources:
            raise InvalidInput([illegal(step, seen)])
        return step

    def by_mutation(self) -> dict[str, Step]:
        return {s.mutation: s for s in self.steps.values() if s.mutation}

    def path(self, to: LabelStatus) -> list[Step]:
        """The shortest run of steps from no label to `to` (for the demo data and tests that need a label in a
        given state: they reach it the way a label would, step by step)."""
        paths: dict[LabelStatus | None, list[Step]] = {None: []}
        frontier: list[LabelStatus | None] = [None]
        while frontier:
            here = frontier.pop(0)
            for step in self.steps.values():
                starts = not step.sources if here is None else here in step.sources
                if starts and step.target not in paths:
                    paths[step.target] = [*paths[here], step]
                    frontier.append(step.target)
        return paths[to]


def illegal(step: Step, seen: LabelStatus) -> FieldError:
    allowed = ", ".join(sorted(s.value for s in step.sources)) or "no label"
    return FieldError("$.status", f"is {seen.value}; {step.name} starts only from {allowed}")


def parse(data: dict[str, Any]) -> Machine:
    """A machine from its declaration, refusing one that names an unknown state, or leaves a state with no
    way in (other than by a step that creates the label)."""
    states = {LabelStatus(name): facts for name, facts in data["states"].items()}
    if set(states) != set(LabelStatus):
        raise ValueError(f"machine states {sorted(states)} differ from LabelStatus {sorted(LabelStatus)}")
    steps = {
        name: Step(
            name=name,
            role=s["role"],
            sources=frozenset(LabelStatus(x) for x in s["from"]),
            target=LabelStatus(s["to"]),
            mutation=s.get("mutation"),
            doc=s["doc"],
        )
        for name, s in data["steps"].items()
    }
    unreached = set(states) - {s.target for s in steps.values()}
    if unreached:
        raise ValueError(f"no step leads to {sorted(unreached)}")
    for s in steps.values():
        if (s.mutation is None) != (s.role == SYSTEM):
            raise ValueError(f"step {s.name}: a mutation exactly when a caller (not {SYSTEM}) takes it")
    return Machine(states, steps, int(data["validity_months"]), int(data["recheck_months"]))


@cache
def machine() -> Machine:
    """The shipped machine (read once: it is part of the installed code, like the policy's defaults)."""
    return parse(yaml.safe_load(DECLARATION.read_text(encoding="utf-8")))

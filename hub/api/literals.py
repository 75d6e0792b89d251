"""A validation rule: numbers written into the query text obey the same bounds as numbers in variables.

graphql-core reads a Float literal `1e400` as `inf` and an Int literal of 4,000 digits as a Python int of
4,000 digits; through a `JSON` argument either would reach a service unchecked. Variables are bounded by
the JSON parser (hub/api/json_body.py); this rule refuses the same values when they are written inline.
"""

from __future__ import annotations

import math
from typing import Any

from graphql import FloatValueNode, GraphQLError, IntValueNode, ValidationRule

from hub.validation import MAX_INT


class BoundedNumberLiterals(ValidationRule):
    def enter_float_value(self, node: FloatValueNode, *_args: Any) -> None:
        if not math.isfinite(float(node.value)):
            self._refuse(node, "is beyond the range of a double (±1.8e308)")

    def enter_int_value(self, node: IntValueNode, *_args: Any) -> None:
        digits = node.value.lstrip("-")
        if len(digits) > len(str(MAX_INT)) or abs(int(node.value)) > MAX_INT:
            self._refuse(node, f"is out of range: integers must lie within ±{MAX_INT}")

    def _refuse(self, node: FloatValueNode | IntValueNode, reason: str) -> None:
        shown = node.value if len(node.value) <= 24 else f"{node.value[:20]}... ({len(node.value)} characters)"
        self.report_error(GraphQLError(f"The number {shown} {reason}.", node))

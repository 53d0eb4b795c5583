"""Stubs of the native half of taylorgate (PyO3). Use the functions of ``taylorgate``."""

from typing import List, Optional, Tuple

SCHEMA: str
DEFAULT_MEMORY_MIB: int
DEFAULT_SIGMA_ULPS: int

class TaylorgateError(Exception):
    kind: str
    message: str
    line: Optional[int]
    column: Optional[int]

class ParseError(TaylorgateError): ...
class MathError(TaylorgateError): ...
class UndecidedError(MathError): ...
class LimitError(TaylorgateError): ...
class UsageError(TaylorgateError): ...
class BudgetError(TaylorgateError): ...
class InternalError(TaylorgateError): ...

class GateHandle:
    def json(self) -> str: ...
    def derivation(
        self, format: str, lang: str, digits: Optional[int] = None, standalone: bool = False
    ) -> str: ...
    def error_svg(self, lang: str) -> str: ...
    def polynomial(self, which: str) -> str: ...
    def input_names(self) -> List[str]: ...

class ExactConstant:
    def __new__(cls, text: str) -> "ExactConstant": ...
    def latex(self) -> str: ...
    def digits(self, n: int) -> Optional[str]: ...
    def is_rational(self) -> bool: ...
    def _compare(self, other: str) -> int: ...

def expand(
    expr: str,
    at: str,
    order: int,
    var: str,
    definitions: Optional[str],
    digits: Optional[int],
    lang: str,
    timeout: Optional[float],
    memory: Optional[int],
) -> Tuple[str, str, str, str, str]: ...
def diff(
    expr: str,
    order: int,
    at: Optional[str],
    var: str,
    definitions: Optional[str],
    digits: Optional[int],
    timeout: Optional[float],
    memory: Optional[int],
) -> str: ...
def gate(
    activation: str,
    inputs: int,
    bias: Optional[str],
    degree: Optional[int],
    epsilon: Optional[str],
    radius: str,
    lambda_: Optional[str],
    no_bound: bool,
    float: Optional[str],
    sigma_ulps: int,
    definitions: Optional[str],
    digits: Optional[int],
    timeout: Optional[float],
    memory: Optional[int],
) -> GateHandle: ...
def prove(
    text: str,
    path: Optional[str],
    radius: str,
    no_bound: bool,
    search_timeout: Optional[float],
    lang: str,
    timeout: Optional[float],
    memory: Optional[int],
) -> Tuple[str, List[str], str, str]: ...
def library() -> str: ...
def scan(definitions: Optional[str], inputs: int, timeout: float, memory: Optional[int]) -> str: ...

"""What every request to the API must respect before a view sees it, checked in one place so
that each app's endpoints (and those of new apps) inherit it:

- a JSON body is an object (``{…}``) or ``null``: a list or a bare value sent where an object is expected
  would otherwise be read as an object with every field left out (``[null, null]`` sent to
  « mark notifications read » marked them all);
- no string (JSON keys and values, at any depth, query parameters, path parameters) holds the
  null character, which PostgreSQL refuses (a 500 otherwise);
- every whole number fits the database's 64-bit integer (SQLite raises ``OverflowError``).

The parser checks the raw body and query string; ``guard_view`` checks the values a view
receives (path parameters included) once django-ninja has validated them. A refusal is a 422
with the same shape as django-ninja's validation errors (see core/apierrors.py).
"""

from __future__ import annotations

import functools
import inspect
import json
from typing import Any

from ninja.errors import ValidationError
from ninja.parser import Parser
from pydantic import BaseModel

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
NUL = "\x00"

# Error types of our own (the messages are in core/apierrors.py, validation_message).
NUL_CHARACTER = "nul_character"
BODY_NOT_OBJECT = "body_not_object"
REPEATED = "repeated_parameter"


class RejectedInput(ValueError):
    """Input refused before validation; ``errors`` are pydantic-style error dicts."""

    def __init__(self, errors: list[dict]):
        super().__init__(errors)
        self.errors = errors


def _readable(part: Any) -> Any:
    # A location naming a key that holds the null character shows it as \0, not as a raw NUL.
    return part.replace(NUL, "\\0") if isinstance(part, str) else part


def problems(value: Any, loc: tuple = ()) -> list[dict]:
    """The null characters and out-of-range whole numbers in ``value`` (JSON data, a query
    dict, a validated schema), each as a pydantic-style error. Iterative: a deeply nested body
    cannot exhaust the stack."""
    found: list[dict] = []
    stack = [(value, loc)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                found.append({"loc": tuple(_readable(p) for p in where), "type": NUL_CHARACTER})
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if item > INT64_MAX:
                found.append({"loc": where, "type": "less_than_equal", "ctx": {"le": INT64_MAX}})
            elif item < INT64_MIN:
                found.append({"loc": where, "type": "greater_than_equal", "ctx": {"ge": INT64_MIN}})
        elif isinstance(item, dict):
            for key, inner in item.items():
                stack.append((inner, (*where, key)))
                stack.append((key, (*where, key)))
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend((inner, (*where, index)) for index, inner in enumerate(item))
        elif isinstance(item, BaseModel):
            stack.extend((getattr(item, name), (*where, name)) for name in type(item).model_fields)
    found.reverse()  # in reading order
    return found


class MaillonParser(Parser):
    """django-ninja's JSON parser, stricter: bodies are objects, no null character anywhere."""

    def parse_body(self, request):
        # django-ninja turns any error raised here into a 400 « Cannot parse request body »;
        # core/apierrors.py answers a RejectedInput found behind it with a 422 instead.
        data = json.loads(request.body)
        if data is None:  # ``null``: no body, where the schema allows it
            return None
        if not isinstance(data, dict):
            raise RejectedInput([{"loc": ("body",), "type": BODY_NOT_OBJECT}])
        errors = problems(data, ("body",))
        if errors:
            raise RejectedInput(errors)
        return data

    def parse_querydict(self, data, list_fields, request):
        # The query string, a form, or files (whose names only are text: checked as keys).
        source = "query" if data is request.GET else "form"
        errors = problems({key: values[0] if len(values) == 1 else values for key, values in data.lists()}, (source,))
        # A parameter sent several times where one value is expected: django-ninja would take the
        # last one and say nothing.
        errors += [{"loc": (source, key), "type": REPEATED} for key, values in data.lists()
                   if len(values) > 1 and key not in list_fields]
        if errors:
            raise RejectedInput(errors)
        return super().parse_querydict(data, list_fields, request)


def guard_view(view):
    """A decorator for every operation (``api.add_decorator``): the values the view receives,
    once validated (path, query, header, body), hold no null character and no whole number
    past 64 bits, or the answer is a 422 and the view does not run."""

    def check(values: dict) -> None:
        errors = []
        for name, value in values.items():
            # A schema's fields are named on their own, as django-ninja names them.
            errors += problems(value, () if isinstance(value, BaseModel) else (name,))
        if errors:
            raise ValidationError(errors)

    if inspect.iscoroutinefunction(view):
        @functools.wraps(view)
        async def guarded_async(request, *args, **values):
            check(values)
            return await view(request, *args, **values)

        return guarded_async

    @functools.wraps(view)
    def guarded(request, *args, **values):
        check(values)
        return view(request, *args, **values)

    return guarded


# In the OpenAPI schema, the same limits, so that a client (or a fuzzer) knows them: whole numbers
# are 64-bit, text holds no null character (keys of free-form objects neither).
NUL_FREE = "^[^\\x00]*$"
DECIMAL = "^-?[0-9]{1,15}(\\.[0-9]{1,15})?$"


def _limit(node: Any) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        numbers_as_text = [v for v in item.get("anyOf", ()) if isinstance(v, dict) and v.get("type") in {"number", "string"}]
        if len(numbers_as_text) == 2 and "pattern" not in numbers_as_text[-1]:
            # A decimal (pydantic: a number, or a string that holds one).
            next(v for v in numbers_as_text if v["type"] == "string")["pattern"] = DECIMAL
        if item.get("type") == "integer":
            item["minimum"] = max(item.get("minimum", INT64_MIN), INT64_MIN)
            item["maximum"] = min(item.get("maximum", INT64_MAX), INT64_MAX)
        elif item.get("type") == "string" and not {"format", "enum", "pattern", "const"} & item.keys():
            item["pattern"] = NUL_FREE
        elif item.get("type") == "object" and "additionalProperties" in item and "propertyNames" not in item:
            item["propertyNames"] = {"pattern": NUL_FREE}
        stack.extend(value for key, value in item.items() if key not in {"example", "examples", "default"})


def _references(node: Any) -> set[str]:
    found, stack = set(), [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                found.add(ref.rsplit("/", 1)[-1])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def document(schema: dict) -> dict:
    """Write the limits above into the parameters and request bodies of an OpenAPI schema
    (in place), and into the components they use."""
    components = schema.get("components", {}).get("schemas", {})
    inputs: list = []
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            inputs += [parameter.get("schema") for parameter in operation.get("parameters", [])]
            inputs.append(operation.get("requestBody"))
    names, todo = set(), _references(inputs)
    while todo:
        name = todo.pop()
        if name in names or name not in components:
            continue
        names.add(name)
        todo |= _references(components[name])
    _limit(inputs)
    _limit([components[name] for name in sorted(names)])
    return schema

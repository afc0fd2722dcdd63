"""OpenAPI keeps one schema per name: two response models of the same class name in two apps
(« SectionOut » of the minutes and of the reports) made one endpoint's documented answer the
other's, and Schemathesis found the minutes « violating » a schema that was not theirs."""

import json

from maillon.api import api


def test_no_two_response_models_share_a_name_with_different_fields():
    api.urls  # noqa: B018 (adds the apps' routers)
    seen: dict[str, tuple[str, str]] = {}
    clashes = set()
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for model in (operation.response_models or {}).values():
                    if model is None:
                        continue
                    definitions = model.model_json_schema(ref_template="#/components/schemas/{model}").get("$defs", {})
                    for name, definition in definitions.items():
                        key = json.dumps(definition, sort_keys=True)
                        if name in seen and seen[name][0] != key:
                            clashes.add(f"{name}: {seen[name][1]} and {path}")
                        seen.setdefault(name, (key, path))
    assert not clashes, sorted(clashes)

"""YAML in and out, keeping line numbers so that every problem can say where it is."""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A mapping from a YAML file that knows its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line) if hasattr(self, "key_lines") else self.line


class LineList(list):
    """A sequence from a YAML file that knows its own line and each item's line."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        lines = getattr(self, "item_lines", [])
        return lines[index] if 0 <= index < len(lines) else self.line


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode):
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            )
        if key in data:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice in this mapping", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode):
    data = LineList()
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield data
    data.extend(loader.construct_object(child, deep=True) for child in node.value)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def load_with_lines(text: str) -> Any:
    """Parse YAML text; mappings and sequences carry line numbers. Raises yaml.YAMLError."""
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)
_Dumper.add_representer(LineDict, _Dumper.represent_dict)
_Dumper.add_representer(LineList, _Dumper.represent_list)


def dump(data: Any) -> str:
    """YAML an instructor can read and edit: keys in order, block text, Unicode as is."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)

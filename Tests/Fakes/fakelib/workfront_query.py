"""Workfront API query rules: object schemas, `fields=` rendering, search filters, sorting and paging."""

import random

from .workfront_errors import WorkfrontError, invalid_parameter

DEFAULT_LIMIT = 100
MAX_LIMIT = 2000
RESERVED_PARAMS = frozenset({"fields", "method", "updates", "apiKey", "sessionID", "$$FIRST", "$$LIMIT"})


class Schema:
    """Fields of one object code: returned by default, direct (`*`), and references to other objects."""

    def __init__(self, code, defaults, direct, references=None):
        self.code = code
        self.defaults = defaults
        self.direct = defaults + [name for name in direct if name not in defaults]
        # name -> (target object code, True for a collection)
        self.references = references or {}

    def direct_fields(self, obj):
        """Return the schema's direct fields plus any extra scalar fields the scenario gave the object."""
        extra = [name for name in obj if not name.startswith("_") and name != "parameterValues"
                 and name not in self.direct and not name.startswith("DE:")]
        return self.direct + extra


SCHEMAS = {
    "TASK": Schema("TASK", ["ID", "name", "objCode", "status", "projectID"],
                   ["description", "entryDate", "lastUpdateDate", "extRefID"],
                   {"project": ("PROJ", False), "documents": ("DOCU", True)}),
    "DOCU": Schema("DOCU", ["ID", "name", "objCode", "description", "currentVersionID", "downloadURL",
                            "lastUpdateDate"],
                   ["docObjCode", "objID", "extRefID", "entryDate"],
                   {"currentVersion": ("DOCV", False)}),
    "DOCV": Schema("DOCV", ["ID", "objCode", "documentID", "version", "fileName", "ext", "docSize"],
                   ["fileType", "entryDate"]),
    "PROJ": Schema("PROJ", ["ID", "name", "objCode"], ["entryDate", "lastUpdateDate"]),
    "NOTE": Schema("NOTE", ["ID", "objCode", "noteObjCode", "objID", "noteText", "entryDate"], ["ownerID"]),
}


def split_path(path):
    """Split 'documents:currentVersion:fileName' at colons, keeping 'DE:Name' custom fields whole."""
    tokens = []
    parts = path.split(":")
    index = 0
    while index < len(parts):
        if parts[index] == "DE" and index + 1 < len(parts):
            tokens.append("DE:" + ":".join(parts[index + 1:]))
            break
        tokens.append(parts[index])
        index += 1
    return tokens


def parse_fields(values):
    """Turn `fields=` values (comma-separated paths) into a nested dict tree."""
    tree = {}
    for value in values:
        for path in value.split(","):
            path = path.strip()
            if not path:
                continue
            node = tree
            for token in split_path(path):
                node = node.setdefault(token, {})
    return tree


def field_value(code, obj, name):
    return code if name == "objCode" else obj.get(name)


def render(store, code, obj, tree):
    """Return the JSON object for `obj`: default fields plus what `tree` requests."""
    schema = SCHEMAS[code]
    result = {name: field_value(code, obj, name) for name in schema.defaults}
    if "*" in tree:
        for name in schema.direct_fields(obj):
            result[name] = field_value(code, obj, name)
    for name, subtree in tree.items():
        if name == "*":
            continue
        if name in schema.references:
            target_code, many = schema.references[name]
            target = store.resolve(code, obj, name)
            if many:
                result[name] = [render(store, target_code, item, subtree) for item in target]
            else:
                result[name] = None if target is None else render(store, target_code, target, subtree)
        elif name == "parameterValues":
            result[name] = dict(obj.get("parameterValues", {}))
        elif name.startswith("DE:"):
            # NOTE: an unset custom field is left out. Whether the real API sends null instead is not documented.
            if name in obj.get("parameterValues", {}):
                result[name] = obj["parameterValues"][name]
        elif name in schema.direct_fields(obj) and not subtree:
            result[name] = field_value(code, obj, name)
        else:
            raise invalid_parameter(f"{name} is not a valid field of {code}")
    return result


def filter_value(store, code, obj, tokens):
    """Return the value that a filter path such as project:name or DE:Campaign selects on `obj`."""
    schema = SCHEMAS[code]
    name = tokens[0]
    if name in schema.references:
        target_code, many = schema.references[name]
        if many or len(tokens) == 1:
            raise invalid_parameter(f"filtering on {name} of {code} is not supported by this fake")
        target = store.resolve(code, obj, name)
        return None if target is None else filter_value(store, target_code, target, tokens[1:])
    if len(tokens) > 1:
        raise invalid_parameter(f"{':'.join(tokens)} is not a valid field path of {code}")
    if name.startswith("DE:"):
        return obj.get("parameterValues", {}).get(name)
    if name in schema.direct_fields(obj):
        return field_value(code, obj, name)
    raise invalid_parameter(f"{name} is not a valid field of {code}")


def _text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def matches(modifier, value, wanted):
    """Apply a search modifier (eq, ne, in, notin, contains, cicontains, isnull, notnull) to one value."""
    text = _text(value)
    if modifier == "eq":
        return text is not None and text == wanted[0]
    if modifier == "ne":
        return text != wanted[0]
    if modifier == "in":
        return text is not None and text in wanted
    if modifier == "notin":
        return text not in wanted
    if modifier == "contains":
        return text is not None and wanted[0] in text
    if modifier == "cicontains":
        return text is not None and wanted[0].lower() in text.lower()
    if modifier == "isnull":
        return text is None or text == ""
    if modifier == "notnull":
        return text is not None and text != ""
    raise invalid_parameter(f"unsupported search modifier {modifier!r}")


class Query:
    """Filters, sorts, paging and fields of a search, count or get request."""

    def __init__(self, params):
        self.values = {}
        self.modifiers = {}
        self.sorts = []
        self.fields = parse_fields([value for name, value in params if name == "fields"])
        self.first = 0
        self.limit = DEFAULT_LIMIT
        for name, value in params:
            if name == "$$FIRST":
                self.first = _parse_count(name, value, 0, None)
            elif name == "$$LIMIT":
                self.limit = _parse_count(name, value, 1, MAX_LIMIT)
            elif name in RESERVED_PARAMS or name.startswith("$$"):
                continue
            elif name.endswith("_Mod"):
                self.modifiers[name[:-4]] = value
            elif name.endswith("_Sort"):
                if value.lower() not in ("asc", "desc", "ciasc", "cidesc"):
                    raise invalid_parameter(f"{name} must be asc or desc, got {value!r}")
                self.sorts.append((name[:-5], value.lower().endswith("desc")))
            else:
                self.values.setdefault(name, []).append(value)

    def filters(self):
        """Return [(path tokens, modifier, values)], raising when several values lack the in or notin modifier."""
        result = []
        for path in list(self.values) + [p for p in self.modifiers if p not in self.values]:
            wanted = self.values.get(path, [])
            modifier = self.modifiers.get(path, "eq")
            if len(wanted) > 1 and modifier not in ("in", "notin"):
                raise invalid_parameter(f"several values for {path} need {path}_Mod=in or notin")
            if not wanted and modifier not in ("isnull", "notnull"):
                raise invalid_parameter(f"{path}_Mod={modifier} has no value for {path}")
            result.append((split_path(path), modifier, wanted))
        return result

    def select(self, store, code, objects):
        """Return every object that passes the filters, sorted by the _Sort fields or in random order."""
        filters = self.filters()
        selected = [obj for obj in objects
                    if all(matches(modifier, filter_value(store, code, obj, tokens), wanted)
                           for tokens, modifier, wanted in filters)]
        if not self.sorts:
            # Without a sort the real service gives no stable order, so pages can overlap and skip.
            random.shuffle(selected)
            return selected
        for path, descending in reversed(self.sorts):
            tokens = split_path(path)
            selected.sort(key=lambda obj: _sort_key(filter_value(store, code, obj, tokens)), reverse=descending)
        return selected

    def page(self, selected):
        return selected[self.first:self.first + self.limit]


def _sort_key(value):
    if value is None:
        return (0, 0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, value, "")
    return (2, 0, str(value))


def _parse_count(name, value, minimum, maximum):
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        bound = f" and at most {maximum}" if maximum is not None else ""
        raise WorkfrontError(422, "java.lang.IllegalArgumentException",
                             f"{name} must be an integer of at least {minimum}{bound}, got {value!r}",
                             "exception.illegalargument")
    return number

"""A stand-in for `pydash`, which azure-ai-ml 1.4.0 imports and Debian does not package.

The SDK calls only get, omit and objects.set_ (contract §0.1); paths are "a.b", "a[0].b" or
lists of keys, integer keys index lists.
"""
import copy
import re


def _keys(path):
    if isinstance(path, (list, tuple)):
        return list(path)
    return [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", str(path))]


def _child(obj, key, default):
    if isinstance(obj, dict):
        return obj.get(key, obj.get(str(key), default))
    if isinstance(obj, (list, tuple)):
        return obj[key] if isinstance(key, int) and -len(obj) <= key < len(obj) else default
    return getattr(obj, str(key), default)


def get(obj, path, default=None):
    missing = object()
    for key in _keys(path):
        obj = _child(obj, key, missing)
        if obj is missing:
            return default
    return obj


def set_(obj, path, value):
    keys, node = _keys(path), obj
    for key, next_key in zip(keys, keys[1:]):
        child = _child(node, key, None)
        if child is None:
            child = [] if isinstance(next_key, int) else {}
            _put(node, key, child)
        node = child
    _put(node, keys[-1], value)
    return obj


def _put(node, key, value):
    if isinstance(node, list):
        node.extend([None] * (key + 1 - len(node)))
        node[key] = value
    elif isinstance(node, dict):
        node[key] = value
    else:
        setattr(node, str(key), value)


def omit(obj, *paths):
    result = copy.deepcopy(obj)
    for path in (p for group in paths for p in (group if isinstance(group, (list, tuple)) else [group])):
        keys = _keys(path)
        parent = get(result, keys[:-1]) if len(keys) > 1 else result
        if isinstance(parent, dict):
            parent.pop(keys[-1], None)
    return result


class objects:  # noqa: N801 (pydash.objects is a module)
    get, set_, omit = staticmethod(get), staticmethod(set_), staticmethod(omit)

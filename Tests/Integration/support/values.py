"""Example values that exercise every Thrift type of store.thrift, and how a round trip normalises them."""

import base64
import copy

# Every field of Item set, with values at the edges of their types.
FULL_ITEM = {
    "id": 9007199254740993,  # 2^53 + 1: exact only if i64 never passes through a double
    "name": "Ünïcødé ☃ 😀 \"quoted\" \\ slash\n\ttab \u0001",
    "description": "d",
    "price": {"units": -5, "nanos": 250, "currency": "JPY"},
    "status": 3,
    "tags": ["a", "b", ""],
    "colors": [1, 4],
    "stock": {"x": 1, "y": -2147483648, "z": 2147483647},
    "history": [{"k": [1, 2, 3], "e": []}, {}],
    "thumbnail": base64.b64encode(bytes(range(256))).decode(),
    "sku": "123e4567-e89b-12d3-a456-426614174000",
    "dims": {"width": 1.25, "height": -0.5, "depth": 1e300},
    "featured": True,
    "rating": -128,
    "shelf": 32767,
    "weight": 3.5,
    "labels": {"1": "one", "-7": "minus seven"},
    "boxes": {"2": [{"width": 1.0, "height": 2.0}], "4": []},
    "created_at": -9223372036854775808,
    "flags": [[True, "yes"], [False, "no"]],
    "digests": [["AAE=", 1], ["", -1]],
}

# Fields with an IDL default, and that default: written when the JSON leaves them out.
ITEM_DEFAULTS = {"status": 1, "featured": False, "rating": 0, "shelf": 0, "weight": 1.5}
MONEY_DEFAULTS = {"nanos": 0, "currency": "EUR"}


def with_defaults(item):
    """What a backend sends back for `item`: defaults filled in, sets as sorted lists."""
    out = copy.deepcopy(item)
    for key, value in ITEM_DEFAULTS.items():
        out.setdefault(key, value)
    if "price" in out:
        for key, value in MONEY_DEFAULTS.items():
            out["price"].setdefault(key, value)
    return normalise(out)


def normalise(item):
    """Sets and maps written as [key, value] pairs come back in the backend's order: compare them sorted."""
    out = copy.deepcopy(item)
    for key in ("colors", "flags", "digests"):
        if out.get(key) is not None:
            out[key] = sorted(out[key])
    return out

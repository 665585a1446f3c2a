"""The demo stores' catalogs, generated deterministically in the import format.

``python -m storefront.demo.catalogs demo-outfitters`` prints one (``storefront.demo.catalogs``).
"""
from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

Document = dict[str, Any]

COLOURS = [
    ("black", "Black", "Schwarz"), ("white", "White", "Weiß"), ("navy", "Navy", "Marine"),
    ("red", "Red", "Rot"), ("green", "Forest green", "Waldgrün"), ("grey", "Grey", "Grau"),
    ("sand", "Sand", "Sand"), ("blue", "Sky blue", "Himmelblau"),
]
SIZES = ["xs", "s", "m", "l", "xl"]
SHOE_SIZES = ["38", "39", "40", "41", "42", "43", "44", "45"]
MATERIALS = [
    ("cotton", "Organic cotton", "Bio-Baumwolle"), ("wool", "Merino wool", "Merinowolle"),
    ("linen", "Linen", "Leinen"), ("recycled", "Recycled polyester", "Recyceltes Polyester"),
    ("leather", "Leather", "Leder"), ("canvas", "Canvas", "Segeltuch"),
]
MODELS = ["Fjord", "Alpine", "Harbour", "Meadow", "Summit", "Coastal", "Urban", "Heritage",
          "Nordwind", "Birch", "Granite", "Tidal", "Ember", "Willow", "Cascade", "Juniper",
          "Falcon", "Drift", "Aurora", "Pioneer", "Lumen", "Moss", "Cobalt", "Sierra"]

# (slug, parent, en, de, noun en, noun de, image, price range, sized, materials)
OUTFITTER_CATEGORIES: list[tuple[Any, ...]] = [
    ("men", None, "Men", "Herren"),
    ("women", None, "Women", "Damen"),
    ("accessories", None, "Accessories", "Accessoires"),
    ("footwear", None, "Footwear", "Schuhe"),
    ("men-shirts", "men", "Shirts", "Hemden", "shirt", "Hemd", "shirt", (29, 89), SIZES,
     ["cotton", "linen"]),
    ("men-jackets", "men", "Jackets", "Jacken", "jacket", "Jacke", "jacket", (89, 349), SIZES,
     ["recycled", "wool", "canvas"]),
    ("men-trousers", "men", "Trousers", "Hosen", "chinos", "Chino", "trousers", (49, 129), SIZES,
     ["cotton", "canvas"]),
    ("women-dresses", "women", "Dresses", "Kleider", "dress", "Kleid", "dress", (49, 179), SIZES,
     ["cotton", "linen"]),
    ("women-tops", "women", "Tops", "Oberteile", "top", "Top", "tee", (19, 69), SIZES,
     ["cotton", "linen", "wool"]),
    ("women-jackets", "women", "Jackets", "Jacken", "rain jacket", "Regenjacke", "jacket",
     (99, 299), SIZES, ["recycled", "wool"]),
    ("bags", "accessories", "Bags", "Taschen", "backpack", "Rucksack", "bag", (39, 189), None,
     ["canvas", "leather", "recycled"]),
    ("hats", "accessories", "Hats", "Mützen", "beanie", "Mütze", "hat", (15, 49), None,
     ["wool", "cotton"]),
    ("socks", "accessories", "Socks", "Socken", "hiking socks", "Wandersocken", "socks", (9, 25),
     ["s", "m", "l"], ["wool", "cotton"]),
    ("sneakers", "footwear", "Sneakers", "Sneaker", "sneaker", "Sneaker", "sneaker", (69, 159),
     SHOE_SIZES, ["canvas", "leather"]),
    ("boots", "footwear", "Boots", "Stiefel", "hiking boot", "Wanderstiefel", "boot", (119, 289),
     SHOE_SIZES, ["leather"]),
]

BOOK_CATEGORIES: list[tuple[str, str | None, str]] = [
    ("fiction", None, "Fiction"), ("non-fiction", None, "Non-fiction"),
    ("children", None, "Children"),
    ("mystery", "fiction", "Mystery & crime"), ("science-fiction", "fiction", "Science fiction"),
    ("romance", "fiction", "Romance"), ("classics", "fiction", "Classics"),
    ("history", "non-fiction", "History"), ("science", "non-fiction", "Popular science"),
    ("cooking", "non-fiction", "Cooking"), ("travel", "non-fiction", "Travel"),
    ("picture-books", "children", "Picture books"), ("young-adult", "children", "Young adult"),
]
BOOK_WORDS = {
    "mystery": (["Silent", "Hidden", "Last", "Crooked", "Midnight", "Frozen"],
                ["Witness", "Harbour", "Alibi", "Letter", "Key", "Lighthouse"]),
    "science-fiction": (["Distant", "Hollow", "Iron", "Quantum", "Seventh", "Red"],
                        ["Star", "Orbit", "Colony", "Signal", "Machine", "Moon"]),
    "romance": (["Summer", "Secret", "Paper", "Golden", "Second", "Little"],
                ["Promise", "Garden", "Café", "Letters", "Heart", "Season"]),
    "classics": (["Great", "Old", "Far", "Wide", "Pale", "Tender"],
                 ["Expectations", "River", "House", "Sea", "Fire", "Country"]),
    "history": (["Forgotten", "Lost", "Long", "First", "Broken", "Silk"],
                ["Empires", "Roads", "Century", "Kings", "Revolution", "Cities"]),
    "science": (["Hidden", "Curious", "Tiny", "Invisible", "Living", "Deep"],
                ["Universe", "Cells", "Atoms", "Oceans", "Mind", "Forests"]),
    "cooking": (["Simple", "Slow", "Weeknight", "Green", "Coastal", "Rustic"],
                ["Kitchen", "Bread", "Suppers", "Vegetables", "Bakes", "Feasts"]),
    "travel": (["Wandering", "Northern", "Quiet", "Island", "Mountain", "Desert"],
               ["Roads", "Journeys", "Trails", "Maps", "Horizons", "Coasts"]),
    "picture-books": (["Sleepy", "Brave", "Busy", "Hungry", "Tiny", "Happy"],
                      ["Bear", "Fox", "Dragon", "Tractor", "Owl", "Whale"]),
    "young-adult": (["Wild", "Shattered", "Burning", "Fearless", "Hidden", "Endless"],
                    ["Summer", "Crown", "Kingdom", "Truth", "Skies", "Rebels"]),
}
AUTHORS = ["Ada Morgan", "Liam Chen", "Sofia Alvarez", "Noah Okafor", "Mia Lindqvist",
           "Ethan Brooks", "Hana Sato", "Lucas Meyer", "Zoe Dubois", "Omar Haddad",
           "Grace Kim", "Felix Wagner", "Isla MacLeod", "Ravi Patel"]
REVIEWERS = ["Anna", "Ben", "Clara", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas",
             "Kai", "Lena", "Marco", "Nora", "Oskar", "Paula"]
REVIEW_TEXT = [
    (5, "Excellent", "Exactly as described and very well made."),
    (5, "Love it", "Great quality, I would buy it again."),
    (4, "Very good", "Good value for money; delivery was quick."),
    (4, None, "Nice, fits as expected."),
    (3, "Okay", "Does the job, nothing special."),
    (2, "Not for me", "The colour was different from the photo."),
]


def _money(value: float) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def _sale(price: float, discount: float) -> str:
    """A sale price that ends in .90 like the regular ones."""
    return _money(max(1, int(price * (1 - discount))) - 0.10)


def _reviews(rng: random.Random, sku: str) -> list[dict[str, Any]]:
    reviews = []
    if rng.random() < 0.35:
        for author in rng.sample(REVIEWERS, rng.randint(1, 4)):
            rating, title, body = rng.choice(REVIEW_TEXT)
            reviews.append({"product": sku, "author": author, "rating": rating, "title": title,
                            "body": body,
                            "status": "pending" if rng.random() < 0.15 else "approved"})
    return reviews


def outfitters(slug: str = "demo-outfitters") -> Document:
    """About 260 clothing products over 15 nested categories, in English and German."""
    rng = random.Random(20261125)
    categories = []
    for position, spec in enumerate(OUTFITTER_CATEGORIES):
        cat_slug, parent, en, de = spec[:4]
        categories.append({
            "slug": cat_slug, "parent": parent, "position": position,
            "translations": {
                "en": {"name": en, "description": f"<p>Our {en.lower()}: made to last, "
                       "repaired for free.</p>" if parent else None},
                "de": {"name": de},
            },
        })
        if categories[-1]["translations"]["en"]["description"] is None:
            del categories[-1]["translations"]["en"]["description"]
    attributes = [
        {"code": "colour", "labels": {"en": "Colour", "de": "Farbe"}, "values": [
            {"value": v, "labels": {"en": en, "de": de}} for v, en, de in COLOURS]},
        {"code": "size", "labels": {"en": "Size", "de": "Größe"}, "values": [
            {"value": v, "labels": {"en": v.upper()}} for v in [*SIZES, *SHOE_SIZES]]},
        {"code": "material", "labels": {"en": "Material", "de": "Material"}, "values": [
            {"value": v, "labels": {"en": en, "de": de}} for v, en, de in MATERIALS]},
    ]
    products, reviews = [], []
    number = 0
    for spec in OUTFITTER_CATEGORIES[4:]:
        cat_slug, _, _, _, noun, noun_de, image, (low, high), sizes, materials = spec
        for model in rng.sample(MODELS, 22):
            number += 1
            sku = f"OUT-{number:04d}"
            colour = rng.choice(COLOURS)
            picked = rng.choice(materials)
            material = next(m for m in MATERIALS if m[0] == picked)
            price = rng.randint(low, high) - 0.10
            on_sale = rng.random() < 0.25
            name = f"{model} {noun}"
            translations: dict[str, Any] = {"en": {
                "name": name,
                "description": f"<p>The {name} in {colour[1].lower()}, made from "
                               f"{material[1].lower()}.</p><ul><li>Designed in our studio"
                               "</li><li>Free repairs for life</li></ul>",
            }}
            if number % 9:  # every ninth product has no German text: it falls back to English
                translations["de"] = {
                    "name": f"{noun_de} {model}",
                    "description": f"<p>{noun_de} {model} in {colour[2]}, aus {material[2]}.</p>",
                }
            attrs: dict[str, list[str]] = {"colour": [colour[0]], "material": [material[0]]}
            if sizes:
                start = rng.randint(0, max(0, len(sizes) - 3))
                attrs["size"] = sizes[start:start + rng.randint(2, len(sizes) - start)]
            products.append({
                "sku": sku, "slug": f"{model.lower()}-{noun.replace(' ', '-')}-{colour[0]}",
                "category": cat_slug, "price": _money(price),
                "sale_price": _sale(price, 0.2) if on_sale else None,
                "stock": 0 if rng.random() < 0.08 else rng.randint(1, 60),
                "featured": rng.random() < 0.06,
                "translations": translations,
                "images": [{"url": f"/static/img/demo/{image}.svg",
                            "alt": f"{name} in {colour[1].lower()}", "width": 600,
                            "height": 600}],
                "attributes": attrs,
            })
            reviews.extend(_reviews(rng, sku))
    rng.shuffle(products)  # import order is arrival order: mix the categories on the home page
    base = f"/{slug}"
    return {
        "categories": categories, "attributes": attributes, "products": products,
        "reviews": reviews,
        "cms_pages": [
            {"slug": "about", "translations": {
                "en": {"title": "About us", "body": "<p>Demo Outfitters makes durable outdoor "
                       "clothing in small batches.</p><p>Every garment is repaired for free, "
                       "for life.</p>"},
                "de": {"title": "Über uns", "body": "<p>Demo Outfitters fertigt langlebige "
                       "Outdoor-Kleidung in kleinen Serien.</p>"}}},
            {"slug": "shipping", "translations": {
                "en": {"title": "Shipping", "body": "<h2>Delivery times</h2><p>Orders ship "
                       "within two working days.</p><table><thead><tr><th scope=\"col\">Zone"
                       "</th><th scope=\"col\">Cost</th></tr></thead><tbody><tr><td>EU</td><td>"
                       "€4.90</td></tr><tr><td>Rest of world</td><td>€14.90</td></tr></tbody>"
                       "</table>"},
                "de": {"title": "Versand", "body": "<p>Wir versenden innerhalb von zwei "
                       "Werktagen.</p>"}}},
            {"slug": "returns", "translations": {
                "en": {"title": "Returns", "body": "<p>Return anything within 30 days.</p>"}}},
        ],
        "cms_blocks": [
            {"key": "header_notice", "content": {
                "en": "<p>Free shipping on orders over €50</p>",
                "de": "<p>Kostenloser Versand ab 50 €</p>"}},
            {"key": "footer_links", "content": {
                "en": f'<ul><li><a href="{base}/pages/about">About us</a></li>'
                      f'<li><a href="{base}/pages/shipping">Shipping</a></li>'
                      f'<li><a href="{base}/pages/returns">Returns</a></li></ul>',
                "de": f'<ul><li><a href="{base}/de/pages/about">Über uns</a></li>'
                      f'<li><a href="{base}/de/pages/shipping">Versand</a></li>'
                      f'<li><a href="{base}/de/pages/returns">Rückgabe</a></li></ul>'}},
            {"key": "home", "content": {
                "en": "<h2>Built for the long walk</h2><p>New autumn jackets are in.</p>",
                "de": "<h2>Gemacht für lange Wege</h2><p>Die neuen Herbstjacken sind da.</p>"}},
        ],
    }


def books(slug: str = "demo-books") -> Document:
    """About 150 books over 13 nested categories, in English."""
    rng = random.Random(1851)
    categories = [{"slug": s, "parent": p, "position": i, "translations": {"en": {"name": n}}}
                  for i, (s, p, n) in enumerate(BOOK_CATEGORIES)]
    attributes = [
        {"code": "format", "labels": {"en": "Format"}, "values": [
            {"value": v, "labels": {"en": v.title()}}
            for v in ("hardcover", "paperback", "ebook", "audiobook")]},
        {"code": "language", "labels": {"en": "Language"}, "values": [
            {"value": v, "labels": {"en": label}}
            for v, label in (("en", "English"), ("es", "Spanish"), ("fr", "French"))]},
    ]
    products, reviews, used = [], [], set()
    number = 0
    for cat_slug, parent, _ in BOOK_CATEGORIES:
        if parent is None:
            continue
        adjectives, nouns = BOOK_WORDS[cat_slug]
        for _ in range(15):
            title = f"The {rng.choice(adjectives)} {rng.choice(nouns)}"
            while title in used:
                title = f"The {rng.choice(adjectives)} {rng.choice(nouns)}"
            used.add(title)
            number += 1
            sku = f"BK-{number:04d}"
            author = rng.choice(AUTHORS)
            price = rng.randint(9, 45) - 0.01
            formats = rng.sample(["hardcover", "paperback", "ebook", "audiobook"],
                                 rng.randint(1, 3))
            products.append({
                "sku": sku, "slug": title.lower().replace(" ", "-").replace("é", "e"),
                "category": cat_slug, "price": _money(price),
                "sale_price": _sale(price, 0.15) if rng.random() < 0.2 else None,
                "stock": 0 if rng.random() < 0.06 else rng.randint(1, 30),
                "featured": rng.random() < 0.06,
                "translations": {"en": {
                    "name": title,
                    "description": f"<p><em>{title}</em> by {author}.</p><p>A "
                                   f"{rng.choice(['gripping', 'warm', 'clever', 'beautiful'])} "
                                   f"read, {rng.randint(180, 640)} pages.</p>"}},
                "images": [{"url": f"/static/img/demo/book-{cat_slug}.svg",
                            "alt": f"Cover of {title}", "width": 400, "height": 600}],
                "attributes": {"format": formats,
                               "language": ["en"] if rng.random() < 0.8
                               else [rng.choice(["es", "fr"])]},
            })
            reviews.extend(_reviews(rng, sku))
    rng.shuffle(products)
    base = f"/{slug}"
    return {
        "categories": categories, "attributes": attributes, "products": products,
        "reviews": reviews,
        "cms_pages": [
            {"slug": "about", "translations": {"en": {
                "title": "About the shop", "body": "<p>An independent bookshop since 1851.</p>"}}},
            {"slug": "events", "translations": {"en": {
                "title": "Events", "body": "<p>Readings every first Thursday.</p>"}}},
        ],
        "cms_blocks": [
            {"key": "header_notice", "content": {"en": "<p>Book club: 10% off picks of the "
                                                       "month</p>"}},
            {"key": "footer_links", "content": {"en": (
                f'<ul><li><a href="{base}/pages/about">About the shop</a></li>'
                f'<li><a href="{base}/pages/events">Events</a></li></ul>')}},
            {"key": "home", "content": {"en": "<h2>Stories for every shelf</h2>"}},
        ],
    }


CATALOGS = {"demo-outfitters": outfitters, "demo-books": books}

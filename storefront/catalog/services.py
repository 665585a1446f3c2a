"""Catalog queries; each takes the tenant session and returns what a page shows.

Every function issues a fixed number of statements whatever the page size: products are read in
one query, their first images in one more, and nothing is loaded per product.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from storefront.catalog import pricing
from storefront.catalog.models import (
    Attribute,
    AttributeValue,
    Category,
    Product,
    ProductAttributeValue,
    ProductImage,
    ProductStatus,
    Review,
    ReviewStatus,
)
from storefront.catalog.translations import ProductNames, category_names

SORTS = ("relevance", "newest", "price_asc", "price_desc", "name")
DEFAULT_PAGE_SIZE = 24
MAX_PAGE_SIZE = 100


class CatalogNotFound(Exception):
    """No active product or category answers to this slug."""


class PageOutOfRange(Exception):
    """The requested page is past the last one."""


# -- value objects the templates read ----------------------------------------------------------


@dataclass(frozen=True)
class Image:
    url: str
    alt: str
    width: int | None
    height: int | None


@dataclass(frozen=True)
class ProductCard:
    """A product as a listing, its page or the cart shows it, named in the shopper's locale."""

    id: int
    slug: str
    sku: str
    name: str
    price: Decimal
    sale_price: Decimal | None
    stock: int
    image: Image | None = None

    @property
    def on_sale(self) -> bool:
        return pricing.on_sale(self.price, self.sale_price)

    @property
    def unit_price(self) -> Decimal:
        """The price a shopper pays now."""
        return pricing.effective_price(self.price, self.sale_price)


@dataclass
class CategoryNode:
    id: int
    slug: str
    name: str
    description: str | None
    parent_id: int | None
    position: int
    children: list[CategoryNode] = field(default_factory=list)
    seo_title: str | None = None
    seo_description: str | None = None


@dataclass
class CategoryTree:
    """Every active category of a store, named in one locale, read in one statement."""

    by_id: dict[int, CategoryNode]
    roots: list[CategoryNode]

    def by_slug(self, slug: str) -> CategoryNode | None:
        return next((n for n in self.by_id.values() if n.slug == slug), None)

    def path(self, node: CategoryNode) -> list[CategoryNode]:
        """The node's ancestors, root first, ending with the node itself."""
        chain = [node]
        while chain[-1].parent_id is not None and chain[-1].parent_id in self.by_id:
            chain.append(self.by_id[chain[-1].parent_id])
        return list(reversed(chain))

    def subtree_ids(self, node: CategoryNode) -> list[int]:
        ids, stack = [], [node]
        while stack:
            current = stack.pop()
            ids.append(current.id)
            stack.extend(current.children)
        return ids


@dataclass(frozen=True)
class Paginated:
    items: list[ProductCard]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    code: str
    label: str
    values: list[FacetValue]


@dataclass(frozen=True)
class ListingQuery:
    """What a shopper asked of a listing: page, sort order and attribute filters."""

    page: int = 1
    sort: str = "relevance"
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class CategoryPage:
    category: CategoryNode
    breadcrumb: list[CategoryNode]
    children: list[CategoryNode]
    facets: list[Facet]
    products: Paginated
    active_filters: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class AttributeLine:
    label: str
    values: list[str]


@dataclass(frozen=True)
class ReviewLine:
    author: str
    rating: int
    title: str | None
    body: str
    created_at: datetime


@dataclass(frozen=True)
class ProductPage:
    product: ProductCard
    description: str | None
    images: list[Image]
    attributes: list[AttributeLine]
    breadcrumb: list[CategoryNode]
    reviews: list[ReviewLine]
    rating_average: Decimal | None
    rating_count: int
    related: list[ProductCard]
    seo_title: str | None = None
    seo_description: str | None = None


@dataclass(frozen=True)
class HomePage:
    featured: list[ProductCard]
    newest: list[ProductCard]


# -- building blocks ---------------------------------------------------------------------------


def label_in(labels: dict[str, str] | None, locale: str, default_locale: str, fallback: str) -> str:
    """A JSON label map read in ``locale``, then the default locale, then ``fallback``."""
    labels = labels or {}
    return labels.get(locale) or labels.get(default_locale) or fallback


def _order(sort: str, names: ProductNames) -> list[ColumnElement[Any]]:
    if sort == "newest":
        return [Product.created_at.desc(), Product.id.desc()]
    if sort == "price_asc":
        return [pricing.effective_price_column().asc(), Product.id.asc()]
    if sort == "price_desc":
        return [pricing.effective_price_column().desc(), Product.id.asc()]
    if sort == "name":
        return [func.lower(names.name).asc(), Product.id.asc()]
    return [Product.is_featured.desc(), Product.id.asc()]


def _first_images(session: Session, product_ids: Sequence[int]) -> dict[int, Image]:
    if not product_ids:
        return {}
    images: dict[int, Image] = {}
    for image in session.scalars(
        select(ProductImage).where(ProductImage.product_id.in_(product_ids))
        .order_by(ProductImage.product_id, ProductImage.position, ProductImage.id)
    ):
        images.setdefault(image.product_id, _image(image, ""))
    return images


def _image(image: ProductImage, name: str) -> Image:
    return Image(image.url, image.alt or name, image.width, image.height)


def _card(product: Product, name: str, image: Image | None) -> ProductCard:
    """A product card; an image without alt text is described by the product's name."""
    if image is not None and not image.alt:
        image = Image(image.url, name, image.width, image.height)
    return ProductCard(product.id, product.slug, product.sku, name, product.price,
                       product.sale_price, product.stock, image)


def _cards(session: Session, stmt: Select[Product, str]) -> list[ProductCard]:
    """Run a ``select(Product, name)`` and attach each product's first image (one more query)."""
    rows = session.execute(stmt).all()
    images = _first_images(session, [row[0].id for row in rows])
    return [_card(product, name, images.get(product.id)) for product, name in rows]


def _card_select(names: ProductNames) -> Select[Product, str]:
    return names.join(select(Product, names.name)).where(Product.status == ProductStatus.ACTIVE)


# -- categories --------------------------------------------------------------------------------


def category_tree(session: Session, locale: str, default_locale: str) -> CategoryTree:
    """Every active category with its name in ``locale`` (default-locale fallback); one query."""
    names = category_names(locale, default_locale)
    rows = session.execute(
        names.join(select(Category.id, Category.slug, Category.parent_id, Category.position,
                          names.text("name", Category.slug), names.text("description"),
                          names.text("seo_title"), names.text("seo_description")))
        .where(Category.is_active.is_(True))
        .order_by(Category.position, Category.id)
    ).all()
    nodes = {r[0]: CategoryNode(r[0], r[1], r[4], r[5], r[2], r[3], seo_title=r[6],
                                seo_description=r[7]) for r in rows}
    roots: list[CategoryNode] = []
    for node in nodes.values():
        if node.parent_id is None:
            roots.append(node)
        elif node.parent_id in nodes:
            nodes[node.parent_id].children.append(node)
    # A category under an inactive parent is hidden with it.
    reachable: dict[int, CategoryNode] = {}
    stack = list(roots)
    while stack:
        node = stack.pop()
        reachable[node.id] = node
        stack.extend(node.children)
    return CategoryTree(reachable, roots)


@dataclass(frozen=True)
class _AttributeInfo:
    id: int
    code: str
    label: str
    values: list[tuple[int, str, str]]  # (id, value, label)


def _filterable_attributes(session: Session, locale: str,
                           default_locale: str) -> list[_AttributeInfo]:
    rows = session.execute(
        select(Attribute, AttributeValue)
        .join(AttributeValue, AttributeValue.attribute_id == Attribute.id)
        .where(Attribute.is_filterable.is_(True))
        .order_by(Attribute.position, Attribute.id, AttributeValue.position, AttributeValue.id)
    ).all()
    attributes: dict[int, _AttributeInfo] = {}
    for attribute, value in rows:
        info = attributes.get(attribute.id)
        if info is None:
            info = attributes[attribute.id] = _AttributeInfo(
                attribute.id, attribute.code,
                label_in(attribute.labels, locale, default_locale, attribute.code), [])
        info.values.append(
            (value.id, value.value, label_in(value.labels, locale, default_locale, value.value)))
    return list(attributes.values())


def _in_values(value_ids: Iterable[int]) -> ColumnElement[bool]:
    return Product.id.in_(
        select(ProductAttributeValue.product_id)
        .where(ProductAttributeValue.attribute_value_id.in_(list(value_ids)))
    )


def category_page(session: Session, tree: CategoryTree, slug: str, query: ListingQuery, *,
                  locale: str, default_locale: str, page_size: int) -> CategoryPage:
    """A category's products (its subcategories' too), filtered, sorted and paginated, with facets.

    Filters OR within an attribute and AND across attributes; each facet's counts apply every
    filter except its own. Unknown attributes and values are ignored, as unknown parameters are.
    """
    node = tree.by_slug(slug)
    if node is None:
        raise CatalogNotFound(slug)
    category_ids = tree.subtree_ids(node)
    attributes = _filterable_attributes(session, locale, default_locale)

    chosen: dict[int, list[int]] = {}  # attribute id -> value ids
    active: dict[str, tuple[str, ...]] = {}
    for attribute in attributes:
        wanted = query.filters.get(attribute.code, ())
        ids = [vid for vid, value, _ in attribute.values if value in wanted]
        if ids:
            chosen[attribute.id] = ids
            active[attribute.code] = tuple(v for _, v, _ in attribute.values if v in wanted)

    base = [Product.status == ProductStatus.ACTIVE, Product.category_id.in_(category_ids)]
    filtered = base + [_in_values(ids) for ids in chosen.values()]

    counts: dict[int, int] = {}
    if attributes:
        # One statement for every facet: a value row of attribute A counts a product when the
        # product passes every filter of the other attributes.
        others = [or_(AttributeValue.attribute_id == attribute_id, _in_values(ids))
                  for attribute_id, ids in chosen.items()]
        counts = {value_id: count for value_id, count in session.execute(
            select(AttributeValue.id, func.count(func.distinct(Product.id)))
            .join(ProductAttributeValue,
                  ProductAttributeValue.attribute_value_id == AttributeValue.id)
            .join(Product, Product.id == ProductAttributeValue.product_id)
            .where(*base, *others)
            .group_by(AttributeValue.id)
        ).all()}
    facets = []
    for attribute in attributes:
        values = [FacetValue(value, label, counts.get(vid, 0),
                             value in active.get(attribute.code, ()))
                  for vid, value, label in attribute.values]
        values = [v for v in values if v.count or v.selected]
        if values:
            facets.append(Facet(attribute.code, attribute.label, values))

    products = paginate(session, filtered, query, locale=locale, default_locale=default_locale,
                         page_size=page_size)
    return CategoryPage(node, tree.path(node), node.children, facets, products, active)


def paginate(session: Session, where: list[ColumnElement[bool]], query: ListingQuery, *,
              locale: str, default_locale: str, page_size: int,
              order: list[ColumnElement[Any]] | None = None,
              names: ProductNames | None = None) -> Paginated:
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    names = names or ProductNames(locale, default_locale)
    total = session.scalar(
        names.join(select(func.count(Product.id)).select_from(Product)).where(*where)) or 0
    pages = max(1, -(-total // page_size))
    if query.page > pages:
        raise PageOutOfRange(query.page)
    items: list[ProductCard] = []
    if total:
        items = _cards(session, names.join(select(Product, names.name)).where(*where)
                       .order_by(*(order or _order(query.sort, names)))
                       .limit(page_size).offset((query.page - 1) * page_size))
    return Paginated(items, query.page, page_size, total)


# -- products ----------------------------------------------------------------------------------


def product_page(session: Session, tree: CategoryTree, slug: str, *, locale: str,
                 default_locale: str, related_limit: int = 4,
                 review_limit: int = 20) -> ProductPage:
    """Everything the product page shows, in six statements."""
    names = ProductNames(locale, default_locale)
    row = session.execute(
        names.join(select(Product, names.name, names.description, names.seo_title,
                          names.seo_description))
        .where(Product.slug == slug, Product.status == ProductStatus.ACTIVE)
    ).first()
    if row is None:
        raise CatalogNotFound(slug)
    product, name, description, seo_title, seo_description = row

    attribute_rows = session.execute(
        select(Attribute, AttributeValue)
        .join(AttributeValue, AttributeValue.attribute_id == Attribute.id)
        .join(ProductAttributeValue, ProductAttributeValue.attribute_value_id == AttributeValue.id)
        .where(ProductAttributeValue.product_id == product.id)
        .order_by(Attribute.position, Attribute.id, AttributeValue.position, AttributeValue.id)
    ).all()
    lines: dict[int, AttributeLine] = {}
    for attribute, value in attribute_rows:
        line = lines.setdefault(attribute.id, AttributeLine(
            label_in(attribute.labels, locale, default_locale, attribute.code), []))
        line.values.append(label_in(value.labels, locale, default_locale, value.value))

    approved = Review.status == ReviewStatus.APPROVED
    reviews = [
        ReviewLine(r.author_name, r.rating, r.title, r.body, r.created_at)
        for r in session.scalars(
            select(Review).where(Review.product_id == product.id, approved)
            .order_by(Review.created_at.desc(), Review.id.desc()).limit(review_limit))
    ]
    average, count = session.execute(
        select(func.avg(Review.rating), func.count(Review.id))
        .where(Review.product_id == product.id, approved)
    ).one()

    related_where = [Product.status == ProductStatus.ACTIVE, Product.id != product.id]
    if product.category_id is not None:
        related_where.append(Product.category_id == product.category_id)
    else:
        related_where.append(Product.is_featured.is_(True))
    related_rows = session.execute(
        names.join(select(Product, names.name)).where(*related_where)
        .order_by(Product.is_featured.desc(), Product.id).limit(related_limit)
    ).all()

    # The product's own images and the related products' first images in one statement.
    all_images = session.scalars(
        select(ProductImage)
        .where(ProductImage.product_id.in_([product.id, *[r[0].id for r in related_rows]]))
        .order_by(ProductImage.product_id, ProductImage.position, ProductImage.id)
    ).all()
    own = [_image(i, name) for i in all_images if i.product_id == product.id]
    firsts: dict[int, Image] = {}
    for stored in all_images:
        firsts.setdefault(stored.product_id, _image(stored, ""))
    related = [_card(other, other_name, firsts.get(other.id))
               for other, other_name in related_rows]

    category = tree.by_id.get(product.category_id) if product.category_id else None
    card = _card(product, name, own[0] if own else None)
    return ProductPage(
        product=card, description=description, images=own, attributes=list(lines.values()),
        breadcrumb=tree.path(category) if category else [], reviews=reviews,
        rating_average=(Decimal(str(average)).quantize(Decimal("0.1"))
                        if average is not None else None),
        rating_count=int(count or 0), related=related, seo_title=seo_title,
        seo_description=seo_description,
    )


def home_page(session: Session, *, locale: str, default_locale: str, limit: int = 8) -> HomePage:
    """Featured and newest products for the home page, in three statements."""
    names = ProductNames(locale, default_locale)
    featured = session.execute(
        _card_select(names).where(Product.is_featured.is_(True))
        .order_by(Product.id).limit(limit)
    ).all()
    newest = session.execute(
        _card_select(names).order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
    ).all()
    images = _first_images(session, sorted({r[0].id for r in [*featured, *newest]}))

    return HomePage([_card(p, name, images.get(p.id)) for p, name in featured],
                    [_card(p, name, images.get(p.id)) for p, name in newest])


def page_size_setting(settings: dict[str, Any] | None) -> int:
    """The store's listing page size (``settings["page_size"]``), within sane bounds."""
    value = (settings or {}).get("page_size", DEFAULT_PAGE_SIZE)
    try:
        size = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))

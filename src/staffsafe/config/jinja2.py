"""The Jinja2 environment: NHS.UK frontend macros, `url` and `static` globals."""

from __future__ import annotations

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from staffsafe.core import presenters
from staffsafe.core.forms import field_kind


def _url(name: str, *args: object, **kwargs: object) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: object) -> Environment:
    loader = options.pop("loader", None)
    options["undefined"] = ChainableUndefined
    options["autoescape"] = True
    nhsuk_loader = PackageLoader("nhsuk_frontend_jinja", "templates")
    env = Environment(  # noqa: S701 - autoescape is set True in options above
        loader=ChoiceLoader([loader, nhsuk_loader]) if loader else nhsuk_loader,
        extensions=["jinja2.ext.do"], **options,  # type: ignore[arg-type]
    )
    env.globals.update(
        url=_url,
        static=static,
        get_messages=get_messages,
        demo_mode=lambda: settings.DEMO_MODE,
        code_label=presenters.code_label,
        field_kind=field_kind,
        navigation=presenters.navigation,
        all_links=presenters.all_links,
    )
    env.filters.update(
        datetime_uk=presenters.datetime_uk,
        date_uk=presenters.date_uk,
        code_label=presenters.code_label,
        codes_label=presenters.codes_label,
        yes_no=presenters.yes_no,
    )
    return env

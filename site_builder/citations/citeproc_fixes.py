"""Where citeproc-py 0.11.1 departs from CSL 1.0.2 (and from pandoc's citeproc, the reference the tests use).

Each fix below names the rule of the CSL specification it restores. They patch citeproc-py's classes once, when
this module is imported (site_builder.citations.csl imports it); every entry is rendered from its own fresh reference.
"""

from __future__ import annotations

from citeproc import model
from citeproc.string import MixedString, String

from site_builder.citations.casing import title_case


def _printed_variables(node, item, context) -> list[str]:
    """Variables that a rendered style node printed: its own, its macro's, and those of the branches taken."""
    if isinstance(node, model.Choose):
        for branch in node.iterchildren():
            try:
                if isinstance(branch, model.Else) or branch.render(item, context=context) is not None:
                    return _printed_variables(branch, item, context)
            except model.ConditionFailed:
                continue
        return []
    found = node.get("variable", "").split() if isinstance(node, (model.Text, model.Number, model.Date, model.Names)) else []
    if node.get("macro"):
        found += _printed_variables(node.get_macro(node.get("macro")), item, context)
    for child in node.iterchildren():
        found += _printed_variables(child, item, context)
    return found


def _render_substitute(self, item, context=None, **kwargs):
    """The first child of cs:substitute that prints; the variables it printed are then removed from the entry."""
    for child in self.iterchildren():
        try:
            if isinstance(child, model.Names) and child.name is None:
                text = child.render(item, names_context=self.getparent(), context=context, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except model.VariableError:
            continue
        if text:
            for variable in _printed_variables(child, item, context):
                item.reference.pop(variable.replace("-", "_"), None)
            return text
    return None


# CSL requires substituted variables to be suppressed in the rest of the entry. citeproc-py 0.11.1
# suppresses only a <text variable> named directly in <substitute>, so a title reached through
# <text macro="title"/> or a substituted editor list was printed twice (AMA: "Reg. Reg."). Each entry
# is rendered from its own fresh reference, so dropping the printed variables from it is safe.
model.Substitute.render = _render_substitute


_name_process = model.Name.process


def _process_names(self, item, variable, context=None, sort_options=None, **kwargs):
    """A list that ends in "others" is cut before it and closed with the style's "et al.", as citeproc (pandoc) does.

    When the list with "others" counted reaches et-al-min, the style's own truncation applies; otherwise every
    listed name is printed, then "et al.".
    """
    names = item.reference.get(variable, [])
    if len(names) > 1 and names[-1].get("literal") == "others":
        minimum = self.get_option("et-al-min", context, sort_options)
        if not minimum or len(names) < minimum:
            sort_options = {**(sort_options or {}), "et-al-min": len(names), "et-al-use-first": len(names) - 1}
    return _name_process(self, item, variable, context=context, sort_options=sort_options, **kwargs)


# citeproc-py 0.11.1 has no notion of BibTeX's "and others"; CSL-JSON written by pandoc keeps it as the literal
# name "others", which citeproc (Haskell) turns into "et al.". The same rule is applied here.
model.Name.process = _process_names


_choose_render = model.Choose.render


def _render_choose(self, item, context=None, delimiter="", **kwargs):
    """The branch taken is remembered, so that the enclosing group knows which variables it called."""
    self.taken = None
    for child in self.getchildren():
        try:
            text = child.render(item, context=context, delimiter=delimiter, **kwargs)
        except model.ConditionFailed:
            continue
        self.taken = child
        return text
    return None


def _calls_variable(child) -> bool:
    if isinstance(child, model.Choose):
        taken = getattr(child, "taken", None)
        return taken is not None and taken.calls_variable()
    return child.calls_variable()


def _process_group(self, item, context=None, **kwargs):
    """CSL 1.0.2, cs:group: suppressed when it calls variables and all of them are empty. citeproc-py counted every
    variable in every branch of a cs:choose, so APA's "(Publication)" was printed for a thesis without a number."""
    output, called, rendered = [], False, False
    delimiter = self.get("delimiter", "")
    for child in self.iterchildren():
        try:
            if isinstance(child, model.Choose):
                text = child.render(item, context=context, delimiter=delimiter, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except model.VariableError:
            text = None
        calls = _calls_variable(child)
        called = called or calls
        if text is not None:
            output.append(text)
            rendered = rendered or calls
    if output and (not called or rendered):
        return self.join(output)
    raise model.VariableError


def _render_single_date(self, date, show_parts=None, context=None):
    """CSL 1.0.2, localized dates: the delimiter of the locale's cs:date joins the parts ("2019 Apr", not "2019Apr")."""
    parts = self.parts(date, show_parts, context) if context != self else self.parts(date, show_parts)
    if not parts:
        return None
    joiner = self if not self.is_locale_date() or self.get("delimiter") is not None else context
    return joiner.join(parts)


def _label_markup(self, text):
    """CSL 1.0.2, text-case: "title" applies to English; a label is a term of the style's own (English) locale, so
    APA's `<label text-case="title"/>` prints "Ed." where citeproc-py left "ed."."""
    if not text:
        return None
    language = (self.get_root().get("default-locale") or "en-US")[:2]
    return self.wrap(self.format(self.case(self.strip_periods(text), language)))


_case = model.TextCased.case


def _text_case(self, text, language=None):
    """CSL 1.0.2, text-case="title": every word but stop words capitalised, including the parts of a hyphenated
    word; words in capitals or mixed case kept. citeproc-py capitalised only each space-separated word
    ("Plant-derived"); citeproc's rule (pandoc's) gives "Plant-Derived". Formatted text keeps citeproc-py's rule."""
    if self.get("text-case") == "title" and language == "en":
        if type(text) is String:
            return String(title_case(str(text)))
        if isinstance(text, MixedString) and all(type(part) is String for part in text):
            return MixedString([String(title_case(str(text)))])
    return _case(self, text, language)


def _xpath_search(self, expression):
    """The same search, answered once per node and expression for as long as the style is loaded: a style is not
    changed by rendering (csl.Formatter removes what citeproc-py 0.11.1 inserts), and citeproc-py looks up the same
    macros, terms and layouts for every entry (a quarter of the time it took to format a reference)."""
    if not self.tag.startswith("{"):  # an element citeproc-py inserts while rendering (no namespace): not kept
        return self.xpath(expression, namespaces=self.nsmap)
    root = self.getroottree().getroot()
    answers = root.__dict__.setdefault("_sb_xpath", {})  # on the root, which the style keeps (style.root)
    key = (self, expression)
    if key not in answers:
        answers[key] = self.xpath(expression, namespaces=self.nsmap)
    return list(answers[key])


model.TextCased.case = _text_case
model.CitationStylesElement.xpath_search = _xpath_search
model.Choose.render = _render_choose
model.Group.process = _process_group
model.Date.render_single_date = _render_single_date
model.Label.markup = _label_markup

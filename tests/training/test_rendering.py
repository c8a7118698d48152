"""Lesson Markdown becomes safe HTML: hostile input is neutralised, sections get stable anchors."""

from html.parser import HTMLParser

import pytest

from training.rendering import plain_text, render_markdown

HOSTILE = [
    ("<script>alert('x')</script>正文", "<script", "alert"),
    ('<img src="/static/img/a.png" onerror="alert(1)">', "onerror", "alert"),
    ('<a href="javascript:alert(1)">点我</a>', "javascript:", "alert"),
    ("[点我](javascript:alert(1))", "javascript:", "alert"),
    ("[点我](JaVaScRiPt:alert(1))", "javascript", "alert"),
    ('<iframe src="https://evil.example/"></iframe>', "<iframe", "evil.example"),
    ('<p onclick="steal()">点</p>', "onclick", "steal"),
    ('<div style="background:url(javascript:x)">x</div>', "style=", "javascript"),
    ("<svg><script>alert(1)</script></svg>", "<svg", "alert"),
    ('<form action="/evil"><input name="x"></form>', "<form", "<input"),
    ('<object data="x.swf"></object><embed src="x.swf">', "<object", "<embed"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:", "base64"),
    ('<h2 id="sec-9">伪造的小节</h2>', 'id="sec-9"', "sec-9"),
]


@pytest.mark.parametrize(("markdown", "banned", "also_banned"), HOSTILE)
def test_hostile_markdown_is_neutralised(markdown, banned, also_banned):
    html = render_markdown(markdown).html.lower()
    assert banned.lower() not in html
    assert also_banned.lower() not in html


class _Elements(HTMLParser):
    """Every element and attribute as a browser would read them (entities decoded)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


SAFE_TAGS = {"p", "br", "h2", "strong", "em", "a", "img", "ul", "li", "table", "thead", "tbody", "tr", "td", "code"}

# Vectors that try to get past a filter that only looks at the text: cases, entities, whitespace
# inside the scheme, SVG and MathML, data: URLs, styles, forms, and ways out of /static/.
VECTORS = [
    "<svg onload=alert(1)><circle r=5 /></svg>",
    "<svg><image href=x onerror=alert(1) /></svg>",
    '![图](/static/img/a.svg" onload="alert(1))',
    '<img src="/static/img/a.svg" onload="alert(1)">',
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnError=alert(1)>",
    '<a href="JaVaScRiPt:alert(1)">点</a>',
    '<a href="&#106;avascript:alert(1)">点</a>',
    '<a href="&#x6A;&#x61;vascript&colon;alert(1)">点</a>',
    '<a href="java&#x09;script:alert(1)">点</a>',
    '<a href=" javascript:alert(1)">点</a>',
    '<a href="vbscript:msgbox(1)">点</a>',
    '<a href="data:text/html,<script>alert(1)</script>">点</a>',
    "![图](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<img src="data:image/png;base64,AAAA">',
    '<img src="/static/x.png" srcset="https://evil.example/x.png 2x">',
    '<img src="/static/%2e%2e/accounts/logout/">',
    '<img src="/static/..%2f..%2fadmin/">',
    '<img src="/static\\..\\admin/">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<span style="position:fixed;inset:0">遮住整页</span>',
    '<form action="/accounts/logout/" method="post"><input type="submit" value="点"><button>go</button></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<details open ontoggle=alert(1)>x</details>",
    '<table background="javascript:alert(1)"><tr><td onmouseover="alert(1)">x</td></tr></table>',
]


@pytest.mark.parametrize("markdown", VECTORS)
def test_obfuscated_vectors_leave_only_allowed_elements_and_safe_urls(markdown):
    for tag, attrs in _Elements(render_markdown(markdown).html).found:
        assert tag in SAFE_TAGS, tag
        assert set(attrs) <= {"href", "src", "alt", "title", "rel", "align"}, attrs
        if "href" in attrs:
            href = "".join(attrs["href"].split()).lower()
            assert href.startswith(("http:", "https:", "mailto:", "tel:", "/", "#")), href
        if "src" in attrs:
            assert attrs["src"].startswith("/static/img/") or attrs["src"] == "/static/x.png", attrs["src"]


def test_images_only_from_our_static_or_media_files():
    html = render_markdown(
        "![流程图](/static/img/flow.png) ![上传](/media/lessons/a.png) ![外链](https://evil.example/t.png)"
        " ![穿越](/static/../etc/passwd)"
    ).html
    assert 'src="/static/img/flow.png"' in html
    assert 'src="/media/lessons/a.png"' in html
    assert "evil.example" not in html
    assert "passwd" not in html


def test_ordinary_markdown_keeps_its_shape():
    rendered = render_markdown(
        "## 材料清单\n\n| 情形 | 材料 |\n| --- | :---: |\n| 本人 | **身份证件** |\n\n"
        "- 一次告知\n\n> 先查系统\n\n[一网通办](https://zwdt.sh.gov.cn/)"
    )
    html = rendered.html
    for fragment in ("<table>", "<th>情形</th>", 'align="center"', "<strong>身份证件</strong>", "<li>一次告知</li>"):
        assert fragment in html
    assert "<blockquote>" in html
    assert 'href="https://zwdt.sh.gov.cn/"' in html and 'rel="noopener noreferrer"' in html


def test_h2_headings_become_numbered_sections():
    rendered = render_markdown("导语\n\n## 谁可以办\n\n文字\n\n### 小标题\n\n## 材料 **清单**\n\n文字")
    assert rendered.sections == [{"anchor": "sec-1", "title": "谁可以办"}, {"anchor": "sec-2", "title": "材料 清单"}]
    assert '<h2 id="sec-1" data-section="sec-1">谁可以办</h2>' in rendered.html
    assert '<h2 id="sec-2" data-section="sec-2">材料 <strong>清单</strong></h2>' in rendered.html


def test_plain_text_for_snippets():
    assert (
        plain_text(render_markdown("## 标题\n\n**两个**免于提交 &amp; 一次告知").html) == "标题 两个免于提交 & 一次告知"
    )


# Runs that made Python-Markdown's inline parser quadratic, at the admin preview's 100,000-character limit.
PATHOLOGICAL = {
    "brackets": "[" * 100_000,
    "image openers": "![" * 50_000,
    "unclosed links": "[a](" * 25_000,
    "emphasis": "*a_" * 33_000,
    "quotes": ">" * 100_000,
    "backticks": "`a" * 50_000,
    "html openers": "<a " * 33_000,
}


@pytest.fixture
def hang_guard():
    """Not a speed assertion (those live in bench/): a guard that turns a hang into a failure.

    The allowance is generous, minutes of headroom over the seconds the input takes on a loaded machine;
    the former renderer needed over ten minutes for the bracket run alone (4,000 took 1.7 s, and time grew
    with the square)."""
    import signal

    def hung(signum, frame):
        raise TimeoutError("rendering did not finish: its time is not bounded by its size")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_no_lesson_input_up_to_the_preview_limit_hangs_the_renderer(hang_guard):
    for name, text in PATHOLOGICAL.items():
        html = render_markdown(text).html
        assert html, name

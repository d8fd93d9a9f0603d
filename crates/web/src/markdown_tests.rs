use super::*;

/// Known XSS payloads, most from the OWASP filter-evasion cheat sheet,
/// plus Markdown's own ways to write a link or an image and a few
/// mutation-XSS shapes.
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<SCRIPT/XSS SRC=\"http://xss.example/xss.js\"></SCRIPT>",
    "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
    "<SCRIPT SRC=http://xss.example/xss.js?< B >",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<IMG LOWSRC=\"javascript:alert('XSS')\">",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<a href=\"java\0script:alert(1)\">x</a>",
    "<a/href=\"javascript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"VBScript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<a href=\"#\" style=\"color:red\" onclick=\"alert(1)\">x</a>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<svg/onload=alert('XSS')>",
    "<svg><script>alert(1)</script></svg>",
    "<BR SIZE=\"&{alert('XSS')}\">",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K\">",
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<iframe src=http://xss.example/scriptlet.html <",
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\"><TD BACKGROUND=\"javascript:alert('XSS')\">x</TD></TABLE>",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">x</DIV>",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">x</DIV>",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.example/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==\" type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
    "<form action=\"javascript:alert(1)\"><button formaction=javascript:alert(1)>x</button></form>",
    "<base href=\"javascript:alert(1)//\">",
    "<details open ontoggle=alert(1)>x</details>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<x onclick=alert(1)>click</x>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<img src=//xss.example/x.png>",
    "<img src=\"/\\xss.example/x.png\">",
    "<img src=\"https://xss.example/track.gif\">",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<javascript:alert(1)>",
    "[x]: javascript:alert(1)\n\n[link][x]",
    "[a](https://ok.example \"title\" onclick=\"alert(1)\")",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "> <script>alert(1)</script>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
];

/// Tags and attributes in the cleaned HTML (html5ever serialises every
/// attribute as `name="value"` and escapes `<` in text, so this scan is
/// exact for its output).
fn elements(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').expect("a tag closes");
        let inner = rest[..end].trim_end_matches('/');
        rest = &rest[end + 1..];
        if inner.starts_with('/') {
            continue;
        }
        let (name, mut attrs_src) = inner.split_once(' ').unwrap_or((inner, ""));
        let mut attrs = Vec::new();
        while let Some(eq) = attrs_src.find("=\"") {
            let attr = attrs_src[..eq].trim().to_owned();
            let after = &attrs_src[eq + 2..];
            let close = after.find('"').expect("a value closes");
            attrs.push((attr, unescape(&after[..close])));
            attrs_src = &after[close + 1..];
        }
        assert!(attrs_src.trim().is_empty(), "attribute without a value in {html}");
        out.push((name.to_owned(), attrs));
    }
    out
}

fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The scheme a browser would read in a URL (WHATWG: letters, digits,
/// `+-.` before the first `:`), after removing whitespace and control
/// characters anywhere (browsers remove them only at the ends and tabs
/// and newlines inside; removing more is the stricter check). `None`: a
/// relative URL.
fn scheme_of(url: &str) -> Option<String> {
    let squeezed: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    let (scheme, _) = squeezed.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then(|| scheme.to_ascii_lowercase())
}

fn assert_safe(input: &str, html: &str) {
    for (tag, attrs) in elements(html) {
        assert!(TAGS.contains(&tag.as_str()), "tag <{tag}> from {input:?}: {html}");
        for (name, value) in attrs {
            assert!(!name.starts_with("on"), "event handler from {input:?}: {html}");
            let allowed = match tag.as_str() {
                "a" => ["href", "title", "rel"].contains(&name.as_str()),
                "img" => ["src", "alt", "title"].contains(&name.as_str()),
                "ol" => name == "start",
                _ => false,
            };
            assert!(allowed, "attribute {name} on <{tag}> from {input:?}: {html}");
            if name == "href" {
                let scheme = scheme_of(&value);
                assert!(
                    matches!(scheme.as_deref(), None | Some("http" | "https" | "mailto")),
                    "href {value:?} from {input:?}: {html}"
                );
            }
            if name == "src" {
                assert!(is_site_path(&value), "src {value:?} from {input:?}: {html}");
            }
            if name == "rel" {
                assert_eq!(value, "noopener noreferrer");
            }
        }
    }
    let lower = html.to_ascii_lowercase();
    for bad in
        ["<script", "<iframe", "<style", "<object", "<embed", "<form", "<svg", "<math", "<base", "<meta", "<link"]
    {
        assert!(!lower.contains(bad), "{bad} from {input:?}: {html}");
    }
}

#[test]
fn known_xss_payloads_come_out_harmless() {
    assert!(PAYLOADS.len() >= 30);
    for payload in PAYLOADS {
        for input in [payload.to_string(), format!("Intro *text*.\n\n{payload}\n\nMore text."), format!("- {payload}")]
        {
            assert_safe(&input, &to_html(&input));
        }
        assert_safe(payload, &sanitise(payload));
    }
}

#[test]
fn the_checker_would_see_an_attack() {
    // The checks above are only as good as this scanner: it must catch
    // what an unsafe renderer would let through.
    let unsafe_render = |md: &str| {
        let mut raw = String::new();
        pulldown_cmark::html::push_html(&mut raw, Parser::new_ext(md, options()));
        raw
    };
    for payload in ["<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", "<script>alert(1)</script>"] {
        let raw = unsafe_render(payload);
        let caught = std::panic::catch_unwind(|| assert_safe(payload, &raw));
        assert!(caught.is_err(), "{raw}");
    }
}

#[test]
fn ordinary_markdown_comes_out_right() {
    let md = "# Drukarka nie drukuje\n\n\
              Sprawdź **zasilanie** i _kabel_ — żółta dioda ~~miga~~.\n\n\
              ## Kroki\n\n\
              1. Wyłącz drukarkę.\n\
              2. Otwórz podajnik.\n\n\
              - a\n- b\n\n\
              > Uwaga: <kbd>Ctrl</kbd>+<kbd>P</kbd>\n\n\
              ```rust\nif a < b && c > d { \"x\" }\n```\n\n\
              Run `lpstat -p` first.\n\n\
              | Model | Toner |\n|:--|--:|\n| HP 404 | CF259A |\n\n\
              See [the guide](https://docs.example/printers?a=1&b=2 \"Guide\"), \
              [INC0000042](/incidents/42), <https://status.example> \
              and [mail us](mailto:desk@example.com).\n\n\
              ![Panel](/attachments/7/panel.png)\n\n\
              ---\n\n3. trzy\n4. cztery\n";
    let html = to_html(md);
    assert_safe(md, &html);
    for part in [
        "<h1>Drukarka nie drukuje</h1>",
        "<p>Sprawdź <strong>zasilanie</strong> i <em>kabel</em> — żółta dioda <del>miga</del>.</p>",
        "<h2>Kroki</h2>",
        "<ol>\n<li>Wyłącz drukarkę.</li>\n<li>Otwórz podajnik.</li>\n</ol>",
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>",
        "<blockquote>\n<p>Uwaga: <kbd>Ctrl</kbd>+<kbd>P</kbd></p>\n</blockquote>",
        "<pre><code>if a &lt; b &amp;&amp; c &gt; d { \"x\" }\n</code></pre>",
        "<code>lpstat -p</code>",
        "<table><thead><tr><th>Model</th><th>Toner</th></tr></thead><tbody>\n<tr><td>HP 404</td><td>CF259A</td></tr>\n</tbody></table>",
        "<a href=\"https://docs.example/printers?a=1&amp;b=2\" title=\"Guide\" rel=\"noopener noreferrer\">the guide</a>",
        "<a href=\"/incidents/42\" rel=\"noopener noreferrer\">INC0000042</a>",
        "<a href=\"https://status.example\" rel=\"noopener noreferrer\">https://status.example</a>",
        "<a href=\"mailto:desk@example.com\" rel=\"noopener noreferrer\">mail us</a>",
        "<img src=\"/attachments/7/panel.png\" alt=\"Panel\">",
        "<hr>",
        "<ol start=\"3\">\n<li>trzy</li>\n<li>cztery</li>\n</ol>",
    ] {
        assert!(html.contains(part), "missing {part}\nin {html}");
    }
}

#[test]
fn plain_text_keeps_the_words_and_drops_the_markup() {
    let md = "# Drukarka **nie** drukuje\n\n\
              Sprawdź [kabel](https://docs.example/kabel) i `lpstat`.\nDruga linia.\n\n\
              - jeden\n- dwa\n\n\
              ```\ncode line\n```\n\n\
              | A | B |\n|---|---|\n| 1 | 2 |\n\n\
              ![zdjęcie panelu](/p.png) <kbd>Ctrl</kbd>\n\n\
              <div onclick=\"x\">html block</div>\n\n<script>alert(1)</script>\n";
    assert_eq!(
        plain_text(md),
        "Drukarka nie drukuje\nSprawdź kabel i lpstat. Druga linia.\njeden\ndwa\ncode line\nA B\n1 2\nzdjęcie panelu Ctrl"
    );
    assert_eq!(plain_text(""), "");
}

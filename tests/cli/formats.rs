//! The report formats (whole-run snapshots), spreadsheet and HTML safety, and `-o`.

use crate::util::{billrecon, check};

/// The one small run every format snapshot shows: each verdict once.
fn snapshot_run(format: &str) -> String {
    let out = check("register/verdicts.csv", &["huawei/zh-basic.csv"])
        .args(["-f", format])
        .assert()
        .code(1)
        .stderr("");
    String::from_utf8(out.get_output().stdout.clone()).expect("UTF-8 report")
}

#[test]
fn table_report_snapshot() {
    insta::assert_snapshot!(snapshot_run("table"));
}

#[test]
fn json_report_snapshot() {
    insta::assert_snapshot!(snapshot_run("json"));
}

#[test]
fn csv_report_snapshot() {
    insta::assert_snapshot!(snapshot_run("csv"));
}

#[test]
fn markdown_report_snapshot() {
    insta::assert_snapshot!(snapshot_run("markdown"));
}

#[test]
fn csv_report_neutralizes_a_resource_name_a_spreadsheet_would_run() {
    let out = check("register/leak.csv", &["huawei/formula-name.csv"])
        .args(["-f", "csv"])
        .assert()
        .code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(
        &rows[0][col("resource_name")],
        "'=HYPERLINK(\"http://evil.example\",\"x\")"
    );
    assert_eq!(&rows[0][col("verdict")], "still_billing");
    assert_eq!(&rows[0][col("amount_after_deletion")], "3.46");
}

/// A path in the system's temporary directory, unique to this test run, removed first.
fn temp_path(name: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("billrecon-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

#[test]
fn output_file_receives_the_report_and_stdout_stays_empty() {
    let path = temp_path("report.json");
    check("register/gone.csv", &["huawei/zh-basic.csv"])
        .args(["-f", "json", "-o"])
        .arg(&path)
        .assert()
        .code(0)
        .stdout("");
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("report written")).unwrap();
    assert_eq!(r["resources"][0]["verdict"], "stopped");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_failed_run_leaves_no_report_file_behind() {
    let path = temp_path("failed.json");
    billrecon()
        .arg("check")
        .arg("--deleted")
        .arg(crate::util::fixture("register/gone.csv"))
        .arg(crate::util::fixture("bad/bad-amount.csv"))
        .arg("-o")
        .arg(&path)
        .assert()
        .code(2)
        .stdout("");
    assert!(!path.exists(), "{} exists", path.display());
}

/// The README example as `-f html`, the report the README's screenshot shows.
fn readme_example_html() -> String {
    let out = check("example/deleted.csv", &["example/huawei-2026-10.csv"])
        .args(["-f", "html"])
        .assert()
        .code(1)
        .stderr("");
    String::from_utf8(out.get_output().stdout.clone()).expect("UTF-8 report")
}

#[test]
fn html_report_snapshot_of_the_readme_example() {
    let html = readme_example_html();
    // The same inputs give the same bytes: nothing in the page depends on the clock or chance.
    assert_eq!(html, readme_example_html());
    insta::assert_snapshot!(html);
}

#[test]
fn html_report_has_a_section_and_a_chart_per_resource_in_report_order() {
    let html = readme_example_html();
    let json = crate::util::report(
        &mut check("example/deleted.csv", &["example/huawei-2026-10.csv"]),
        1,
    );
    let want: Vec<String> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verdict"].as_str().unwrap().to_string())
        .collect();
    let sections: Vec<&str> = html.split("<section class=\"resource ").skip(1).collect();
    let got: Vec<&str> = sections
        .iter()
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(got, want);
    for (s, r) in sections.iter().zip(json["resources"].as_array().unwrap()) {
        let body = s.split("</section>").next().unwrap();
        assert_eq!(body.matches("<svg class=\"chart\"").count(), 1, "{body}");
        // Bars are drawn exactly for resources that have bill lines.
        let bars = body.matches("<rect class=\"c-").count() - 4; // less the legend's four
        assert_eq!(bars > 0, r["lines"].as_u64().unwrap() > 0, "{body}");
        // Each post-deletion charge is drawn in the after-deletion colour, with its hover text.
        assert_eq!(
            body.contains("after deletion: CNY"),
            r["lines_after_deletion"].as_u64().unwrap() > 0
        );
    }
    // The first resource's cited lines are in its section.
    assert!(sections[0].contains("fixtures/example/huawei-2026-10.csv:382"));
    assert!(sections[3].contains("Looked for <code>ecs-tmp-99</code>"));
}

#[test]
fn html_report_goes_to_the_output_file_with_the_verdicts_exit_code() {
    let path = temp_path("report.html");
    check("example/deleted.csv", &["example/huawei-2026-10.csv"])
        .args(["-f", "html", "-o"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout("");
    let html = std::fs::read_to_string(&path).expect("report written");
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..40]);
    assert!(html.trim_end().ends_with("</html>"));
    assert_eq!(html.matches("<section class=\"resource ").count(), 6);
    std::fs::remove_file(&path).unwrap();
    // Nothing pending or billing: exit 0, as with every format.
    let path = temp_path("stopped.html");
    check("register/gone.csv", &["huawei/zh-basic.csv"])
        .args(["-f", "html", "-o"])
        .arg(&path)
        .assert()
        .code(0)
        .stdout("");
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("badge stopped"));
    std::fs::remove_file(&path).unwrap();
}

/// The element names a billrecon page uses; anything else came from the data.
const OUR_TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "svg", "defs", "pattern", "rect", "line",
    "circle", "g", "text", "div", "h1", "h2", "h3", "p", "dl", "dt", "dd", "strong", "em", "span",
    "code", "br", "table", "thead", "tbody", "tr", "th", "td", "a", "ul", "li", "section",
    "header", "footer",
];

#[test]
fn html_report_escapes_markup_from_the_export_and_the_register() {
    let out = check("register/markup.csv", &["huawei/markup-name.csv"])
        .args(["-f", "html"])
        .assert()
        .code(1);
    let html = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    // Every element is one of the page's own: no <script>, <img>, <svg onload>, <a href=…>
    // or <style> from a cell became markup.
    for tag in html.split('<').skip(1) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if tag.starts_with("!DOCTYPE") {
            continue;
        }
        assert!(
            OUR_TAGS.contains(&name.to_ascii_lowercase().as_str()),
            "element <{name}> in the page: <{}",
            &tag[..tag.len().min(60)]
        );
    }
    assert_eq!(
        html.matches("<style>").count(),
        1,
        "only the page's style sheet"
    );
    assert_eq!(
        html.matches("<title>").count(),
        html.matches("</title>").count()
    );
    // Links only point inside the page.
    for href in html.split("href=\"").skip(1) {
        assert!(
            href.starts_with('#'),
            "link to {}",
            &href[..href.len().min(40)]
        );
    }
    // The data is shown as text.
    for text in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "javascript:alert(document.cookie)",
        "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;",
        "&lt;/title&gt;&lt;svg onload=alert(3)&gt;",
        "&lt;a href=&quot;javascript:alert(4)&quot;&gt;click&lt;/a&gt;",
        "&lt;/section&gt;&lt;style&gt;body{display:none}&lt;/style&gt;",
    ] {
        assert!(html.contains(text), "{text} is not shown escaped");
    }
    // The browser is told to run and load nothing, whatever got through.
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'"));
}

/// The sections of an HTML report: (verdict, section body).
fn html_sections(html: &str) -> Vec<(&str, &str)> {
    html.split("<section class=\"resource ")
        .skip(1)
        .map(|s| {
            let (verdict, rest) = s.split_once('"').unwrap();
            (verdict, rest.split("</section>").next().unwrap())
        })
        .collect()
}

#[test]
fn html_report_shows_each_refund_check_as_the_json_has_it() {
    let run = |f: &str| {
        let out = check("register/unsubscribed.csv", &["huawei/unsubscribe.csv"])
            .args(["-f", f])
            .assert()
            .code(1);
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let html = run("html");
    let sections = html_sections(&html);
    let resources = json["resources"].as_array().unwrap();
    assert_eq!(sections.len(), resources.len());
    for ((_, body), r) in sections.iter().zip(resources) {
        let status = r["refund"]["status"]
            .as_str()
            .expect("every row unsubscribed");
        assert!(
            body.contains(&format!(": {status}.")),
            "{} lacks refund status {status}",
            r["resource_id"]
        );
        assert!(
            body.contains("unsubscribed 2026-10-"),
            "the marker says what happened"
        );
        let first = &r["refund"]["sources"][0];
        assert!(body.contains(&format!(
            "{}:{}",
            first["path"].as_str().unwrap(),
            first["line"]
        )));
    }
    assert!(html.contains("<dt>Refund checks</dt>"));
}

#[test]
fn html_report_shows_what_changed_since_the_baseline() {
    let base = temp_path("day1.json");
    billrecon()
        .arg("check")
        .arg("--deleted")
        .arg(crate::util::fixture("baseline/register-day1.csv"))
        .arg(crate::util::fixture("baseline/day1.csv"))
        .args(["-f", "json", "-o"])
        .arg(&base)
        .assert()
        .code(1);
    let run = |f: &str| {
        let out = billrecon()
            .arg("check")
            .arg("--deleted")
            .arg(crate::util::fixture("baseline/register-day2.csv"))
            .arg(crate::util::fixture("baseline/day2.csv"))
            .arg("--baseline")
            .arg(&base)
            .args(["-f", f])
            .assert()
            .code(1);
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let html = run("html");
    std::fs::remove_file(&base).unwrap();
    assert!(html.contains("<dt>Since the baseline</dt>"));
    let resources = json["resources"].as_array().unwrap();
    assert!(resources.iter().filter(|r| r["change"].is_string()).count() >= 5);
    for ((_, body), r) in html_sections(&html)
        .iter()
        .zip(json["resources"].as_array().unwrap())
    {
        match r["change"].as_str() {
            Some(c) => assert!(
                body.contains(&format!("{c} since the baseline")),
                "{} lacks change {c}",
                r["resource_id"]
            ),
            None => assert!(!body.contains("since the baseline")),
        }
    }
}

//! The synthetic-export generator (`tests/support/synth/`, used by `examples/gen-export.rs`
//! and `scripts/bench`): deterministic, sized as asked, and read by `billrecon check` in every
//! format.

use crate::synth;

use crate::util::billrecon;
use synth::{Config, Format, Order, Target};

const FORMATS: [Format; 6] = [
    Format::Huawei,
    Format::Alibaba,
    Format::Focus,
    Format::Cur,
    Format::Azure,
    Format::Oci,
];

fn rows(export: &[u8]) -> usize {
    // No generated cell holds a newline, so rows are lines.
    export.iter().filter(|b| **b == b'\n').count() - 1
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    for format in FORMATS {
        let cfg = Config::new(format, 42, Target::Lines(3_000));
        let (a, ra, _) = synth::to_vec(&cfg).unwrap();
        let (b, rb, _) = synth::to_vec(&cfg).unwrap();
        assert!(a == b && ra == rb, "{format:?}: not deterministic");
        let other = Config::new(format, 43, Target::Lines(3_000));
        let (c, _, _) = synth::to_vec(&other).unwrap();
        assert!(a != c, "{format:?}: the seed changes nothing");
    }
}

#[test]
fn generated_bytes_are_pinned() {
    // If this fails the generator's output changed: bump `synth::VERSION` (scripts/bench then
    // regenerates its cached exports) and update the digests.
    let want: [(Format, u64, u64); 6] = [
        (Format::Huawei, 4107473837478685657, 11919148914825698253),
        (Format::Alibaba, 9240595251434191966, 5263938679601458254),
        (Format::Focus, 6139792475905073350, 11919148914825698253),
        (Format::Cur, 9295399592609405464, 16537772680765744099),
        (Format::Azure, 11423519020144042703, 9204509914028580341),
        (Format::Oci, 11486346634859642972, 11069248161031698282),
    ];
    for (format, export_digest, register_digest) in want {
        let cfg = Config::new(format, 1, Target::Lines(5_000));
        let (export, register, _) = synth::to_vec(&cfg).unwrap();
        assert_eq!(
            (synth::digest(&export), synth::digest(&register)),
            (export_digest, register_digest),
            "{format:?}: generator output changed (VERSION {})",
            synth::VERSION
        );
    }
}

#[test]
fn exports_have_the_size_asked_for() {
    let (export, register) = synth::huawei(2_500, 1);
    assert_eq!(rows(&export), 2_500);
    assert_eq!(rows(&register), 110);

    let cfg = Config::new(Format::Huawei, 1, Target::Bytes(2_000_000));
    let (export, _, stats) = synth::to_vec(&cfg).unwrap();
    assert!(export.len() >= 2_000_000 && export.len() < 2_002_000);
    assert_eq!(stats.bytes, export.len() as u64);
    assert!(!stats.short);
}

#[test]
fn billrecon_reads_every_format_and_finds_every_kind_of_verdict() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("synth");
    std::fs::create_dir_all(&dir).unwrap();
    for format in FORMATS {
        let name = format!("{format:?}").to_lowercase();
        let export = dir.join(format!("{name}.csv"));
        let register = dir.join(format!("{name}.register.csv"));
        let cfg = Config::new(format, 9, Target::Lines(60_000));
        let stats = synth::write_files(&cfg, &export, &register).unwrap();
        let out = billrecon()
            .args(["check", "-f", "json", "-q", "--exit-zero", "--deleted"])
            .arg(&register)
            .arg(&export)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["inputs"][0]["format"], name.as_str());
        assert_eq!(report["inputs"][0]["rows"], stats.lines);
        let summary = &report["summary"];
        assert_eq!(summary["deletions"], 110, "{name}");
        assert_eq!(summary["not_in_bill"], 10, "{name}");
        assert_eq!(
            summary["still_billing"],
            stats.still_billing.len(),
            "{name}: the generator wrote charges after other deletions"
        );
        for verdict in ["still_billing", "pending", "stopped"] {
            assert!(
                summary[verdict].as_u64().unwrap() > 0,
                "{name}: no {verdict}: {summary}"
            );
        }
    }
}

/// The AWS, Azure and OCI exports are recognised as what they claim to be, and `check` calls
/// still billing exactly the register rows the generator wrote a charge for after the deletion.
#[test]
fn native_exports_are_detected_and_their_post_deletion_charges_found() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("synth-native");
    std::fs::create_dir_all(&dir).unwrap();
    let formats = [
        (Format::Cur, "cur", "AWS Cost and Usage Report"),
        (Format::Azure, "azure", "Azure cost details"),
        (Format::Oci, "oci", "OCI cost report"),
    ];
    // Resource order too: Azure's daily lines are summed per day in either order.
    for ((format, name, title), order) in formats
        .into_iter()
        .flat_map(|f| [(f, Order::Time), (f, Order::Resource)])
    {
        let export = dir.join(format!("{name}-{order:?}.csv"));
        let register = dir.join(format!("{name}-{order:?}.register.csv"));
        // Enough hours that deletions 24 h before the end of the data are observed.
        let mut cfg = Config::new(format, 3, Target::Lines(40_000));
        cfg.order = order;
        let stats = synth::write_files(&cfg, &export, &register).unwrap();

        let out = billrecon()
            .args(["inspect", "-f", "json"])
            .arg(&export)
            .assert()
            .code(0);
        let r: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(r["inputs"][0]["format"], name);
        assert_eq!(r["inputs"][0]["format_name"], title);
        assert_eq!(r["inputs"][0]["rows"], stats.lines, "{name}");

        // Still-billing resources make it exit 1 whatever else is pending.
        assert!(
            !stats.still_billing.is_empty(),
            "{name}: nothing bills after a deletion"
        );
        let out = billrecon()
            .args(["check", "-f", "json", "-q", "--deleted"])
            .arg(&register)
            .arg(&export)
            .assert()
            .code(1);
        let r: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        let resources = r["resources"].as_array().unwrap();
        assert_eq!(resources.len(), stats.register_rows, "{name}");
        for res in resources {
            let id = res["resource_id"].as_str().unwrap();
            let billing = res["verdict"] == "still_billing";
            assert_eq!(
                billing,
                stats.still_billing.iter().any(|s| s == id),
                "{name}: {id} is {}",
                res["verdict"]
            );
        }
        let summary = &r["summary"];
        assert_eq!(summary["not_in_bill"], 10, "{name}: {summary}");
        for verdict in ["pending", "stopped"] {
            assert!(
                summary[verdict].as_u64().unwrap() > 0,
                "{name}: no {verdict}: {summary}"
            );
        }
    }
}

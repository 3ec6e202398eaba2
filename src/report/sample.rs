//! A hand-built report with one resource of each verdict and an unsubscribed one with its
//! refund check, for the renderers' snapshot tests.

use super::*;
use crate::money::dec;
use chrono::TimeZone;

fn t(h: u32, m: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, day, h, m, 0).unwrap()
}

fn amounts(pairs: &[(&str, &str)]) -> Amounts {
    let mut a = Amounts::default();
    for (c, v) in pairs {
        a.add(c, dec(v));
    }
    a
}

fn resource(id: &str, verdict: Verdict) -> ResourceReport {
    ResourceReport {
        resource_id: id.into(),
        bill_ids: vec![id.into()],
        rules: vec!["as-is".into()],
        resource_name: String::new(),
        product: "ModelArts".into(),
        provider: Some("huawei".into()),
        scope: "resource",
        deleted_at: t(0, 30, 10),
        verdict,
        lines: 0,
        lines_after_deletion: 0,
        amount_after_deletion: Amounts::default(),
        usage_after_deletion: Some("0".into()),
        usage_after_deletion_by_unit: Default::default(),
        no_charge_lines: 0,
        deducted_after_deletion: Vec::new(),
        items: Vec::new(),
        first_after_deletion: None,
        last_after_deletion: None,
        tail_lines: 0,
        tail_amount: Amounts::default(),
        refunds_after_deletion: Amounts::default(),
        complete_through: Some(t(14, 0, 12)),
        wide_tail_until: None,
        sources: Vec::new(),
        note: None,
        change: None,
        previous_verdict: None,
        action: crate::model::Action::Deleted,
        refund: None,
        origin: None,
        detail: None,
    }
}

pub fn report() -> Report {
    let mut billing = resource("service-7f3a-v2", Verdict::StillBilling);
    billing.bill_ids = vec!["service-7f3a-v2-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e".into()];
    billing.rules = vec!["modelarts-service".into()];
    billing.lines = 3;
    billing.lines_after_deletion = 2;
    billing.amount_after_deletion = amounts(&[("CNY", "25.60000000")]);
    billing.usage_after_deletion = Some("2".into());
    billing.usage_after_deletion_by_unit = [("小时".to_string(), "2".to_string())].into();
    billing.first_after_deletion = Some(t(1, 0, 10));
    billing.last_after_deletion = Some(t(2, 0, 10));
    billing.tail_lines = 1;
    billing.tail_amount = amounts(&[("CNY", "12.80000000")]);
    billing.sources = vec![
        SourceRef {
            path: "huawei-2026-10.csv".into(),
            line: 5,
        },
        SourceRef {
            path: "huawei-2026-10.csv".into(),
            line: 6,
        },
    ];
    billing.origin = Some(Box::new(crate::model::Origin::record(
        "trail.json.gz".into(),
        crate::model::AuditRecord {
            record: 3,
            source: Some("cts"),
            event: Some("deleteService".into()),
            event_id: Some("c4ddaa0b-2e05-11ef-bdc6-e1851d8cb7fb".into()),
            user: Some("IAMUserA".into()),
        },
    )));
    billing.note = Some("deleteService by IAMUserA".into());
    let mut pending = resource("=cmd|' /C calc'!A0", Verdict::Pending);
    pending.product = "弹性云服务器".into();
    pending.deleted_at = t(6, 0, 12);
    pending.lines = 4;
    let not_in_bill = resource("ecs-typo", Verdict::NotInBill);
    let mut stopped = resource("nb-llm-ft", Verdict::Stopped);
    stopped.resource_name = "notebook-llm".into();
    stopped.lines = 10;
    stopped.tail_lines = 1;
    stopped.tail_amount = amounts(&[("CNY", "1.73")]);
    stopped.refunds_after_deletion = amounts(&[("CNY", "-31.50")]);
    let mut unsubscribed = resource("evs-yearly-01", Verdict::Stopped);
    unsubscribed.product = "EVS".into();
    unsubscribed.lines = 3;
    unsubscribed.action = crate::model::Action::Unsubscribed;
    unsubscribed.refunds_after_deletion = amounts(&[("CNY", "-90.80")]);
    unsubscribed.refund = Some(Box::new(RefundReport {
        status: crate::reconcile::refund::Status::RefundShort,
        observed: amounts(&[("CNY", "-81.72")]),
        expected_min: Some(amounts(&[("CNY", "-338.20")])),
        expected_max: Some(amounts(&[("CNY", "-414.00")])),
        paid: Some(amounts(&[("CNY", "758.00")])),
        basis: "Huawei: paid × unused hours / order hours − 10% fee: order paid 2026-10-01 10:30, CNY 758.00 paid: 414 of 758 h unused".into(),
        sources: vec![
            SourceRef {
                path: "huawei-2026-10.csv".into(),
                line: 40,
            },
            SourceRef {
                path: "huawei-2026-10.csv".into(),
                line: 41,
            },
        ],
    }));
    stopped.action = crate::model::Action::Stopped;
    stopped.note = Some(crate::model::STOP_NOTE.into());
    stopped.origin = Some(Box::new(crate::model::Origin::row("register.csv", 4)));
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "billrecon",
            version: "0.1.0",
        },
        settings: Settings {
            lag_seconds: 7200,
            window_seconds: 86400,
            grace_seconds: 0,
            as_of: None,
            tz: "+08:00".into(),
        },
        inputs: vec![InputReport {
            path: "huawei-2026-10.csv".into(),
            format: Format::named("huawei"),
            version: None,
            rows: 25401,
            duplicate_rows: 3,
            skipped_rows: 0,
            totals_rows: 0,
            currency: Some("CNY".into()),
            first_usage: Some(t(16, 0, 1)),
            last_usage: Some(t(16, 0, 12)),
        }],
        coverage: vec![Coverage {
            provider: "huawei".into(),
            complete_through: Some(t(14, 0, 12)),
        }],
        summary: Summary {
            deletions: 5,
            still_billing: 1,
            pending: 1,
            not_in_bill: 1,
            stopped: 2,
            amount_after_deletion: amounts(&[("CNY", "25.60000000")]),
            changes: None,
            refunds: [("refund_short".to_string(), 1)].into_iter().collect(),
        },
        resources: [billing, pending, not_in_bill, stopped, unsubscribed]
            .map(Box::new)
            .into(),
        warnings: vec![],
        baseline: None,
        gone: None,
    }
}

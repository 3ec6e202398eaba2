use super::*;
use crate::money::dec;
use proptest::prelude::*;

fn tz() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

/// A wall-clock time in UTC+08:00.
fn at(s: &str) -> DateTime<Utc> {
    crate::time::parse_time(s, tz()).unwrap()
}

fn order(kind: OrderKind, paid_at: &str, due: &str, paid: &str, period: (u32, Unit)) -> Order {
    Order {
        kind,
        paid_at: at(paid_at),
        currency: "CNY".into(),
        amount_due: dec(due),
        paid: Some(dec(paid)),
        original_price: None,
        period: Some(Period {
            count: period.0,
            unit: period.1,
        }),
        window: None,
        ecs: false,
    }
}

fn range(e: &Expected) -> Range {
    let r = e.ranges.as_ref().unwrap_or_else(|| panic!("{}", e.basis));
    r.get("CNY")
        .or_else(|| r.get("USD"))
        .copied()
        .unwrap_or_default()
}

#[test]
fn huawei_published_example_counts_hours_to_the_hour() {
    // Effective 2024-01-01 10:30, one month, unsubscribed 2024-01-15 18:40: 14 d 8 h used
    // of 31 d 14 h (support.huaweicloud.com, unsubscription rules).
    let o = order(
        OrderKind::New,
        "2024-01-01 10:30",
        "858",
        "758",
        (1, Unit::Month),
    );
    let t = terms(Rules::Huawei, std::slice::from_ref(&o), tz())[0].unwrap();
    assert_eq!(t.end, at("2024-02-02 00:00"), "runs to 2024-02-01 23:59:59");
    let from = floor_hour(t.start, tz());
    assert_eq!(hours(from, t.end), 31 * 24 + 14);
    assert_eq!(
        hours(from, floor_hour(at("2024-01-15 18:40"), tz())),
        14 * 24 + 8
    );
    // 758 paid × 414 unused / 758 hours = 414.00; less the 10 % fee of 75.80 = 338.20.
    let e = expected(Rules::Huawei, &[o], at("2024-01-15 18:40"), tz());
    assert_eq!(
        range(&e),
        Range {
            min: dec("338.20"),
            max: dec("414.00"),
            paid: dec("758")
        }
    );
    assert!(e.basis.contains("414 of 758 h unused"), "{}", e.basis);
    assert!(e
        .basis
        .starts_with("Huawei: paid × unused hours / order hours − 10% fee"));
}

#[test]
fn alibaba_published_example_is_within_the_range() {
    // Simple Application Server, three years: list USD 5,040, paid USD 2,736, unsubscribed
    // after 365 days; Alibaba's figure: consumed 1,428 (= 1,680 × an 85 % discount for a
    // year used), refund 1,308.
    let mut o = order(
        OrderKind::New,
        "2025-01-01 00:00",
        "2736",
        "2736",
        (3, Unit::Year),
    );
    o.currency = "USD".into();
    o.original_price = Some(dec("5040"));
    let u = at("2025-01-01 00:00") + Duration::days(365);
    let e = expected(Rules::Alibaba, std::slice::from_ref(&o), u, tz());
    // Lower: 2,736 − 5,040 / 1,095 × 365 = 1,056; upper: 2,736 × (1 − 365/1,095) = 1,824.
    assert_eq!(
        range(&e),
        Range {
            min: dec("1056"),
            max: dec("1824"),
            paid: dec("2736")
        }
    );
    let mut net = BTreeMap::new();
    net.insert("USD".to_string(), dec("-1308"));
    let ranges = e.ranges.as_ref();
    let seen = Seen {
        net: &net,
        refund_lines: 1,
    };
    assert_eq!(status(true, ranges, seen, true), Status::Refunded);
    assert!(e.basis.contains("365 of 1095 days used"), "{}", e.basis);
}

#[test]
fn worked_examples() {
    use OrderKind::*;
    use Unit::*;
    struct Case {
        what: &'static str,
        rules: Rules,
        orders: Vec<Order>,
        u: &'static str,
        min: &'static str,
        max: &'static str,
        paid: &'static str,
    }
    let ecs = |mut o: Order, price: &str| {
        o.ecs = true;
        o.original_price = Some(dec(price));
        o
    };
    let priced = |mut o: Order, price: &str| {
        o.original_price = Some(dec(price));
        o
    };
    let cases = vec![
        Case {
            what: "Huawei renewal not yet in effect refunds in full, vouchers returned",
            rules: Rules::Huawei,
            orders: vec![
                order(New, "2024-01-01 10:30", "858", "758", (1, Month)),
                order(Renewal, "2024-01-10 09:00", "110", "100", (1, Month)),
            ],
            u: "2024-01-15 18:40",
            min: "438.20",
            max: "524.00",
            paid: "858",
        },
        Case {
            what: "Huawei within five days: a full refund with vouchers is in range",
            rules: Rules::Huawei,
            orders: vec![order(New, "2024-01-01 10:30", "858", "758", (1, Month))],
            u: "2024-01-03 10:30",
            // 48 of 758 h used: 758 × 710 / 758 = 710, less 75.80.
            min: "634.20",
            max: "858.00",
            paid: "758",
        },
        Case {
            what: "Huawei just past five days: the rule alone",
            rules: Rules::Huawei,
            orders: vec![order(New, "2024-01-01 10:30", "858", "758", (1, Month))],
            u: "2024-01-06 10:31",
            // 120 h used: 638 − 75.80.
            min: "562.20",
            max: "638.00",
            paid: "758",
        },
        Case {
            what: "Huawei fee larger than what is left: no refund",
            rules: Rules::Huawei,
            orders: vec![order(New, "2024-01-01 10:30", "758", "758", (1, Month))],
            u: "2024-01-30 00:00",
            // 72 h unused of 758: 72.00 − 75.80 < 0.
            min: "0",
            max: "72.00",
            paid: "758",
        },
        Case {
            what: "Huawei order ended before U refunds nothing",
            rules: Rules::Huawei,
            orders: vec![order(New, "2023-01-01 10:30", "100", "100", (1, Month))],
            u: "2024-01-15 18:40",
            min: "0",
            max: "0",
            paid: "0",
        },
        Case {
            what: "Huawei two-year order: 15 % fee at most",
            rules: Rules::Huawei,
            orders: vec![order(New, "2024-01-01 00:00", "7320", "7320", (2, Year))],
            // 2024-01-01 00:00 to 2026-01-02 00:00 = 732 days = 17,568 h; 144 h used:
            // 7,320 × 17,424 / 17,568 = 7,260, less 15 % (1,098).
            u: "2024-01-07 00:00",
            min: "6162.00",
            max: "7260.00",
            paid: "7320",
        },
        Case {
            what: "Huawei rounding widens outwards to the cent",
            rules: Rules::Huawei,
            orders: vec![order(New, "2024-01-01 10:30", "100", "100", (1, Month))],
            u: "2024-01-15 18:40",
            // 100 × 414 / 758 = 54.6174…; less 10.00.
            min: "44.61",
            max: "54.62",
            paid: "100",
        },
        Case {
            what: "Alibaba ECS used under 30 days: consumption × 1.5",
            rules: Rules::Alibaba,
            orders: vec![ecs(
                order(New, "2024-03-01 10:00", "300", "300", (1, Month)),
                "310",
            )],
            // 31-day month, 10 days and an hour used: 11 days.
            u: "2024-03-11 11:00",
            // 300 − 310 / 31 × 11 × 1.5 = 135; 300 × (1 − 11/31) = 193.548…
            min: "135.00",
            max: "193.55",
            paid: "300",
        },
        Case {
            what: "Alibaba ECS used 30 days or more: no coefficient",
            rules: Rules::Alibaba,
            orders: vec![ecs(
                order(New, "2024-01-01 00:00", "3000", "3000", (1, Year)),
                "3660",
            )],
            u: "2024-01-31 00:00",
            // 366 days; 30 used: 3000 − 3660 / 366 × 30 = 2700; 3000 × 336/366 = 2754.09…
            min: "2700.00",
            max: "2754.10",
            paid: "3000",
        },
        Case {
            what: "Alibaba partial day counts whole, five-day full refund in range",
            rules: Rules::Alibaba,
            orders: vec![priced(
                order(New, "2024-03-01 10:00", "300", "300", (1, Month)),
                "310",
            )],
            u: "2024-03-02 10:00:01",
            // 2 days: 300 − 20 = 280; up to the full 300 within five days.
            min: "280.00",
            max: "300.00",
            paid: "300",
        },
        Case {
            what: "Alibaba without the original price: the smaller refund is 0",
            rules: Rules::Alibaba,
            orders: vec![order(New, "2024-03-01 10:00", "300", "300", (1, Month))],
            u: "2024-03-16 10:00",
            min: "0",
            max: "154.84",
            paid: "300",
        },
        Case {
            what: "Alibaba second order paid while the first runs follows it",
            rules: Rules::Alibaba,
            orders: vec![
                priced(
                    order(New, "2024-03-01 10:00", "300", "300", (1, Month)),
                    "310",
                ),
                priced(
                    order(New, "2024-03-20 10:00", "300", "300", (1, Month)),
                    "300",
                ),
            ],
            u: "2024-03-16 10:00",
            // First: 15 of 31 days; the second begins 04-01 10:00: in full.
            min: "450.00",
            max: "454.84",
            paid: "600",
        },
    ];
    for c in cases {
        let e = expected(c.rules, &c.orders, at(c.u), tz());
        let r = range(&e);
        assert_eq!(
            (r.min, r.max, r.paid),
            (dec(c.min), dec(c.max), dec(c.paid)),
            "{}: {}",
            c.what,
            e.basis
        );
    }
}

#[test]
fn renewal_without_its_order_may_not_have_begun() {
    let o = order(
        OrderKind::Renewal,
        "2024-01-01 10:30",
        "110",
        "100",
        (1, Unit::Month),
    );
    let e = expected(
        Rules::Huawei,
        std::slice::from_ref(&o),
        at("2024-01-15 18:40"),
        tz(),
    );
    let r = range(&e);
    // As if in effect since paid: 100 × 414/758 − 10; or not begun: in full with vouchers.
    assert_eq!((r.min, r.max), (dec("44.61"), dec("110")), "{}", e.basis);
    assert!(e.basis.contains("may not have begun"), "{}", e.basis);
}

#[test]
fn without_what_the_rules_need_only_existence_and_sign() {
    let o = order(
        OrderKind::New,
        "2024-01-01 10:30",
        "100",
        "100",
        (1, Unit::Month),
    );
    let u = at("2024-01-15 18:40");
    let e = expected(Rules::SignOnly, std::slice::from_ref(&o), u, tz());
    assert_eq!(e.ranges, None);
    assert!(e.basis.contains("existence and sign only"));
    let no_split = Order {
        paid: None,
        ..o.clone()
    };
    assert_eq!(expected(Rules::Huawei, &[no_split], u, tz()).ranges, None);
    let no_period = Order {
        period: None,
        ..o.clone()
    };
    let e = expected(Rules::Alibaba, &[no_period], u, tz());
    assert_eq!(e.ranges, None);
    assert!(e.basis.contains("period"), "{}", e.basis);
    // A stated service period stands in for the period columns.
    let windowed = Order {
        period: None,
        window: Some((at("2024-01-01 10:30"), at("2024-02-01 10:30"))),
        ..o
    };
    let e = expected(Rules::Alibaba, &[windowed], u, tz());
    // 15 of 31 days used: 100 × 16/31 = 51.61…
    assert_eq!(range(&e).max, dec("51.62"), "{}", e.basis);
}

#[test]
fn statuses() {
    let r = |min: &str, max: &str| {
        let mut m = BTreeMap::new();
        m.insert(
            "CNY".to_string(),
            Range {
                min: dec(min),
                max: dec(max),
                paid: dec("100"),
            },
        );
        m
    };
    let net = |v: &[(&str, &str)]| -> BTreeMap<String, Decimal> {
        v.iter().map(|(c, a)| (c.to_string(), dec(a))).collect()
    };
    let range = r("80", "86.90");
    let zero = r("0", "0");
    type Case<'a> = (
        &'a str,
        bool,
        Option<&'a BTreeMap<String, Range>>,
        BTreeMap<String, Decimal>,
        u64,
        bool,
        Status,
    );
    let cases: Vec<Case> = vec![
        (
            "within",
            true,
            Some(&range),
            net(&[("CNY", "-81.72")]),
            1,
            true,
            Status::Refunded,
        ),
        (
            "at the smaller end",
            true,
            Some(&range),
            net(&[("CNY", "-80")]),
            1,
            false,
            Status::Refunded,
        ),
        (
            "at the larger end",
            true,
            Some(&range),
            net(&[("CNY", "-86.90")]),
            1,
            true,
            Status::Refunded,
        ),
        (
            "a cent short",
            true,
            Some(&range),
            net(&[("CNY", "-79.99")]),
            1,
            true,
            Status::RefundShort,
        ),
        (
            "double",
            true,
            Some(&range),
            net(&[("CNY", "-163.44")]),
            2,
            true,
            Status::RefundOver,
        ),
        (
            "none, complete",
            true,
            Some(&range),
            net(&[]),
            0,
            true,
            Status::RefundMissing,
        ),
        (
            "none, too early",
            true,
            Some(&range),
            net(&[]),
            0,
            false,
            Status::RefundPending,
        ),
        (
            "a fee line alone is not a refund",
            true,
            Some(&range),
            net(&[("CNY", "8")]),
            0,
            true,
            Status::RefundMissing,
        ),
        (
            "nothing due, none came",
            true,
            Some(&zero),
            net(&[]),
            0,
            true,
            Status::NoRefundDue,
        ),
        (
            "nothing due, none yet",
            true,
            Some(&zero),
            net(&[]),
            0,
            false,
            Status::NoRefundDue,
        ),
        (
            "nothing due, one came",
            true,
            Some(&zero),
            net(&[("CNY", "-5")]),
            1,
            true,
            Status::RefundOver,
        ),
        (
            "refund in another currency",
            true,
            Some(&range),
            net(&[("CNY", "-81"), ("USD", "-1")]),
            2,
            true,
            Status::RefundOver,
        ),
        (
            "no purchase line",
            false,
            None,
            net(&[("CNY", "-81")]),
            1,
            true,
            Status::Unverifiable,
        ),
        (
            "no purchase line, nothing",
            false,
            None,
            net(&[]),
            0,
            true,
            Status::Unverifiable,
        ),
        (
            "sign only: negative",
            true,
            None,
            net(&[("USD", "-3")]),
            1,
            true,
            Status::Refunded,
        ),
        (
            "sign only: a positive refund line",
            true,
            None,
            net(&[("USD", "3")]),
            1,
            true,
            Status::RefundShort,
        ),
        (
            "sign only: none, complete",
            true,
            None,
            net(&[]),
            0,
            true,
            Status::RefundMissing,
        ),
        (
            "sign only: none yet",
            true,
            None,
            net(&[]),
            0,
            false,
            Status::RefundPending,
        ),
    ];
    for (what, has, ranges, n, lines, complete, want) in cases {
        let seen = Seen {
            net: &n,
            refund_lines: lines,
        };
        assert_eq!(status(has, ranges, seen, complete), want, "{what}");
    }
}

fn arb_orders() -> impl Strategy<Value = Vec<Order>> {
    let one = (
        any::<bool>(),
        0i64..2000,
        1u32..3000,
        0u32..500,
        prop_oneof![
            Just(Unit::Month),
            Just(Unit::Year),
            Just(Unit::Day),
            Just(Unit::Hour)
        ],
        1u32..14,
        any::<bool>(),
        0u32..6000,
    );
    proptest::collection::vec(one, 1..5).prop_map(|v| {
        v.into_iter()
            .map(
                |(renewal, hours, paid, vouchers, unit, count, ecs, price)| Order {
                    kind: if renewal {
                        OrderKind::Renewal
                    } else {
                        OrderKind::New
                    },
                    paid_at: at("2024-01-01 10:30") + Duration::hours(hours),
                    currency: "CNY".into(),
                    amount_due: Decimal::from(paid + vouchers),
                    paid: Some(Decimal::from(paid)),
                    original_price: Some(Decimal::from(price)),
                    period: Some(Period { count, unit }),
                    window: None,
                    ecs,
                },
            )
            .collect()
    })
}

proptest! {
    /// With the orders held fixed, a later unsubscription never allows a larger refund.
    #[test]
    fn later_unsubscription_never_raises_the_maximum(
        orders in arb_orders(),
        huawei in any::<bool>(),
        a in 0i64..20_000,
        step in 0i64..20_000,
    ) {
        let rules = if huawei { Rules::Huawei } else { Rules::Alibaba };
        let first = orders.iter().map(|o| o.paid_at).max().unwrap();
        let early = first + Duration::minutes(a);
        let late = early + Duration::minutes(step);
        let e1 = expected(rules, &orders, early, tz());
        let e2 = expected(rules, &orders, late, tz());
        let (r1, r2) = (range(&e1), range(&e2));
        prop_assert!(r2.max <= r1.max, "{} > {}\n{}\n{}", r2.max, r1.max, e1.basis, e2.basis);
        prop_assert!(r1.min <= r1.max && r2.min <= r2.max);
    }
}

//! Rendering: rows of the plan written in each export format's header order.

use super::*;

// Rendering.

pub(super) fn header(format: Format) -> &'static str {
    match format {
        Format::Huawei => "账期,企业项目ID,企业项目,账号,产品类型编码,产品类型,产品编码,产品,计费模式,消费时间,使用开始时间,使用结束时间,订单号/交易号,交易时间,账单类型,资源ID,资源名称,资源标签,区域编码,区域,使用量类型编码,单价(¥),单价单位,使用量,使用量单位,官网价(¥),优惠金额(¥),应付金额(¥),现金支付(¥),代金券抵扣(¥),欠费金额(¥)\n",
        Format::Alibaba => "账期,财务单元,账号ID,账号,Owner账号,产品Code,产品,产品明细Code,产品明细,消费类型,消费时间,账单开始时间,账单结束时间,服务时长,订单号/账单号,账单类型,计费方式,实例ID,实例昵称,资源组,实例标签,实例配置,实例规格,公网IP,私网IP,地域,可用区,计费项,单价,单价单位,用量,用量单位,资源包抵扣,原价,优惠金额,优惠券抵扣,应付金额,现金支付,代金券抵扣,储值卡支付金额,欠费金额\n",
        Format::Focus => "BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,ContractedCost,EffectiveCost,InvoiceIssuer,ListCost,PricingCategory,PricingQuantity,PricingUnit,Provider,Publisher,RegionId,ResourceId,ResourceName,ServiceCategory,ServiceName,Tags,x_BillType,x_TradeTime\n",
        Format::Cur => CUR_HEADER,
        Format::Azure => AZURE_HEADER,
        Format::Oci => OCI_HEADER,
    }
}

/// Renders rows into `buf`.
pub(super) struct Writer {
    pub(super) format: Format,
    pub(super) clock: Clock,
    pub(super) month_hours: u32,
    pub(super) buf: Vec<u8>,
}

/// What a row costs, as the exports show it.
pub(super) struct Money {
    pub(super) unit_price: i64,
    pub(super) qty: i64,
    pub(super) list: i64,
    pub(super) discount: i64,
    pub(super) due: i64,
}

impl Writer {
    pub(super) fn new(format: Format, clock: Clock, month_hours: u32) -> Writer {
        Writer {
            format,
            clock,
            month_hours,
            buf: Vec::with_capacity(1024),
        }
    }

    pub(super) fn s(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub(super) fn c(&mut self) {
        self.buf.push(b',');
    }

    /// A cell then a comma.
    pub(super) fn cell(&mut self, s: &str) {
        self.s(s);
        self.c();
    }

    pub(super) fn money(res: &Res, row: &Row) -> Money {
        match *row {
            Row::Usage {
                usage,
                used,
                traffic,
                ..
            } => {
                let (unit_price, qty) = res.priced(usage, used, traffic);
                let list = (i128::from(unit_price) * i128::from(qty) / i128::from(QTY_ONE)) as i64;
                let discount = list * res.discount / 1000;
                Money {
                    unit_price,
                    qty,
                    list,
                    discount,
                    due: list - discount,
                }
            }
            Row::Order { amount, .. } => {
                let discount = amount * res.discount / 1000;
                Money {
                    unit_price: 0,
                    qty: 0,
                    list: amount,
                    discount,
                    due: amount - discount,
                }
            }
        }
    }

    pub(super) fn txn(&mut self, prefix: &str, at: i64, txn: u64) {
        self.s(prefix);
        // yyMMddHHmm of the deduction, then five letters.
        let start = self.buf.len();
        self.clock.push_local(&mut self.buf, at);
        let stamp: Vec<u8> = self.buf[start..]
            .iter()
            .copied()
            .filter(u8::is_ascii_digit)
            .collect();
        self.buf.truncate(start);
        self.buf.extend_from_slice(&stamp[2..12]);
        let mut t = txn;
        for _ in 0..5 {
            self.buf.push(b'A' + (t % 26) as u8);
            t /= 26;
        }
    }

    pub(super) fn row(&mut self, res: &Res, row: &Row) {
        match self.format {
            Format::Huawei => self.huawei(res, row),
            Format::Alibaba => self.alibaba(res, row),
            Format::Focus => self.focus(res, row),
            Format::Cur => self.cur(res, row),
            Format::Azure => self.azure(res, row),
            Format::Oci => self.oci(res, row),
        }
        self.buf.push(b'\n');
    }

    pub(super) fn huawei(&mut self, res: &Res, row: &Row) {
        let clock = self.clock;
        let (code, service, rcode, rname) = match (res.kind, row) {
            (Kind::Ecs | Kind::EcsMonthly, _) => (
                "hws.service.type.ec2",
                "弹性云服务器",
                "hws.resource.type.vm",
                "云主机",
            ),
            (Kind::Evs | Kind::EvsMonthly, _) => (
                "hws.service.type.ebs",
                "云硬盘",
                "hws.resource.type.volume",
                "云硬盘",
            ),
            (Kind::MaService, _) => (
                "hws.service.type.ma",
                "AI开发平台ModelArts",
                "hws.resource.type.ma.inference",
                "在线服务",
            ),
            (Kind::Notebook, _) => (
                "hws.service.type.ma",
                "AI开发平台ModelArts",
                "hws.resource.type.ma.notebook",
                "Notebook",
            ),
        };
        let m = Self::money(res, row);
        let region = &REGIONS[res.region];
        match *row {
            Row::Usage {
                hour,
                usage,
                id,
                delay,
                txn,
                ..
            } => {
                let hs = i64::from(hour) * HOUR;
                let he = hs + HOUR;
                clock.push_cycle(&mut self.buf, hs);
                self.c();
                self.s("0,default,acme-prod,");
                self.cell(code);
                self.cell(service);
                self.cell(rcode);
                self.cell(rname);
                self.cell("按需");
                clock.push_local(&mut self.buf, hs);
                self.s(" ~ ");
                clock.push_local(&mut self.buf, he);
                self.c();
                clock.push_local(&mut self.buf, hs);
                self.c();
                clock.push_local(&mut self.buf, he);
                self.c();
                self.txn("CS", he + delay, txn);
                self.c();
                clock.push_local(&mut self.buf, he + delay);
                self.c();
                self.cell("消费-使用");
                let bill_id = &res.ids[id];
                self.cell(bill_id);
                self.cell(&res.name);
                // The capacity row of an ECS often carries no tag (a child resource).
                if usage == Usage::Capacity && res.kind == Kind::Ecs {
                    self.cell("--");
                } else {
                    self.cell(&res.tag_huawei);
                }
                self.cell(region.code);
                self.cell(region.name);
                let (ucode, unit_price_unit, unit) = match usage {
                    Usage::Duration => ("duration", "元/小时", "小时"),
                    Usage::Capacity => ("capacity", "元/GB/小时", "GB"),
                    Usage::Upflow => ("upflow", "元/GB", "GB"),
                };
                self.cell(ucode);
                push_fixed(&mut self.buf, m.unit_price, 8);
                self.c();
                self.cell(unit_price_unit);
                push_qty(&mut self.buf, m.qty);
                self.c();
                self.cell(unit);
            }
            Row::Order { at, order, txn, .. } => {
                clock.push_cycle(&mut self.buf, at);
                self.c();
                self.s("0,default,acme-prod,");
                self.cell(code);
                self.cell(service);
                self.cell(rcode);
                self.cell(rname);
                self.cell(if order == OrderKind::Refund {
                    ""
                } else {
                    "包年包月"
                });
                clock.push_local(&mut self.buf, at);
                self.s(",,,");
                self.txn("CS", at, txn);
                self.c();
                clock.push_local(&mut self.buf, at);
                self.c();
                self.cell(match order {
                    OrderKind::Purchase => "消费-新购",
                    OrderKind::Renewal => "消费-续订",
                    OrderKind::AutoRenewal => "消费-自动续订",
                    OrderKind::Refund => "退款-退订",
                });
                self.cell(&res.ids[0]);
                self.cell(&res.name);
                self.cell(&res.tag_huawei);
                self.cell(region.code);
                self.cell(region.name);
                self.s(",,,,,");
            }
        }
        push_fixed(&mut self.buf, m.list, 8);
        self.c();
        push_fixed(&mut self.buf, m.discount, 8);
        self.c();
        push_fixed(&mut self.buf, m.due, 8);
        self.c();
        push_fixed(&mut self.buf, round_to(m.due, 2) / 1_000_000, 2);
        self.s(",0.00,0.00");
    }

    pub(super) fn alibaba(&mut self, res: &Res, row: &Row) {
        let clock = self.clock;
        let oss = res.ids[0].contains(';');
        let (pcode, pname, dcode, dname) = match res.kind {
            Kind::Ecs => ("ecs", "云服务器 ECS", "ecs", "云服务器ECS-按量付费"),
            Kind::EcsMonthly => ("ecs", "云服务器 ECS", "ecs", "云服务器ECS-包年包月"),
            Kind::Evs if oss => ("oss", "对象存储 OSS", "oss", "对象存储OSS-按量付费"),
            Kind::Evs => ("ecs", "云服务器 ECS", "yundisk", "云盘-按量付费"),
            Kind::EvsMonthly => ("ecs", "云服务器 ECS", "yundisk", "云盘-包年包月"),
            Kind::MaService => ("learn", "人工智能平台 PAI", "pai_eas", "PAI-EAS-按量付费"),
            Kind::Notebook => ("learn", "人工智能平台 PAI", "pai_dsw", "PAI-DSW-按量付费"),
        };
        let m = Self::money(res, row);
        let region = &REGIONS[res.region];
        let (at, postpaid) = match *row {
            Row::Usage { hour, .. } => (i64::from(hour) * HOUR, true),
            Row::Order { at, .. } => (at, false),
        };
        clock.push_cycle(&mut self.buf, at);
        self.s(",未分配,1234567890123456,acme@example.com,acme@example.com,");
        self.cell(pcode);
        self.cell(pname);
        self.cell(dcode);
        self.cell(dname);
        self.cell(if postpaid { "后付费" } else { "预付费" });
        match *row {
            Row::Usage {
                usage,
                used,
                delay,
                txn,
                id,
                ..
            } => {
                clock.push_local(&mut self.buf, at);
                self.c();
                clock.push_local(&mut self.buf, at);
                self.c();
                clock.push_local(&mut self.buf, at + used.min(HOUR));
                self.c();
                push_num(&mut self.buf, used as u64, 1);
                self.c();
                self.buf.extend_from_slice(b"24");
                push_num(
                    &mut self.buf,
                    (txn % 1_000_000_000_000) + (at + delay) as u64,
                    14,
                );
                self.c();
                self.cell("后付账单");
                self.cell("按量付费");
                self.cell(&res.ids[id]);
                self.cell(if res.kind == Kind::Evs {
                    "-"
                } else {
                    &res.name
                });
                self.cell("rg-acfm2abc");
                self.cell(&res.tag_alibaba);
                self.cell(if res.spec.is_empty() { "-" } else { res.spec });
                self.cell(if res.spec.is_empty() { "-" } else { res.spec });
                self.s("-,-,");
                self.cell(region.ali_name);
                self.cell(region.ali_zone);
                let (item, price_unit, unit) = match usage {
                    Usage::Duration => ("实例规格", "元/小时", "小时"),
                    Usage::Capacity if oss => ("标准存储容量", "元/GB/小时", "GB"),
                    Usage::Capacity => ("ESSD云盘", "元/GB/小时", "GB"),
                    Usage::Upflow => ("公网流量", "元/GB", "GB"),
                };
                self.cell(item);
                push_fixed(&mut self.buf, m.unit_price, 8);
                self.c();
                self.cell(price_unit);
                push_qty(&mut self.buf, m.qty);
                self.c();
                self.cell(unit);
                self.s("0,");
            }
            Row::Order { order, txn, at, .. } => {
                clock.push_local(&mut self.buf, at);
                self.s(",,,1,");
                push_num(
                    &mut self.buf,
                    210_000_000_000_000 + txn % 1_000_000_000_000,
                    15,
                );
                self.c();
                self.cell(if order == OrderKind::Refund {
                    "退款"
                } else {
                    "预付订单"
                });
                self.cell("包年包月");
                self.cell(&res.ids[0]);
                self.cell(&res.name);
                self.cell("rg-acfm2abc");
                self.cell(&res.tag_alibaba);
                self.s("-,-,-,-,");
                self.cell(region.ali_name);
                self.cell(region.ali_zone);
                self.s("-,-,-,-,-,-,");
            }
        }
        // Alibaba writes amounts to the cent.
        let due = round_to(m.due, 2);
        let list = round_to(m.list, 2);
        push_fixed(&mut self.buf, list / 1_000_000, 2);
        self.c();
        push_fixed(&mut self.buf, (list - due) / 1_000_000, 2);
        self.s(",0.00,");
        push_fixed(&mut self.buf, due / 1_000_000, 2);
        self.c();
        push_fixed(&mut self.buf, due / 1_000_000, 2);
        self.s(",0.00,0.00,0.00");
    }

    pub(super) fn focus(&mut self, res: &Res, row: &Row) {
        let clock = self.clock;
        let m = Self::money(res, row);
        let region = &REGIONS[res.region];
        // BilledCost first.
        push_fixed(&mut self.buf, m.due, 8);
        self.s(",0a1b2c3d4e5f,acme-prod,CNY,");
        // The billing period: the month, as UTC.
        clock.push_utc(&mut self.buf, i64::from(self.month_hours) * HOUR);
        self.c();
        clock.push_utc(&mut self.buf, 0);
        self.c();
        match *row {
            Row::Usage {
                hour,
                usage,
                id,
                delay,
                ..
            } => {
                let hs = i64::from(hour) * HOUR;
                self.s("Usage,,");
                let what = match (res.kind, usage) {
                    (_, Usage::Upflow) => "Outbound traffic",
                    (Kind::Ecs, Usage::Duration) => "ECS on-demand hour",
                    (Kind::Ecs, Usage::Capacity) => "ECS system disk",
                    (Kind::Evs, _) => "EVS capacity",
                    (Kind::MaService, _) => "ModelArts real-time service",
                    (Kind::Notebook, Usage::Duration) => "ModelArts notebook compute",
                    _ => "ModelArts notebook storage",
                };
                self.cell(what);
                self.cell("Usage-Based");
                clock.push_utc(&mut self.buf, hs + HOUR);
                self.c();
                clock.push_utc(&mut self.buf, hs);
                self.c();
                self.money_cells(&m);
                self.cell("Standard");
                push_qty(&mut self.buf, m.qty);
                self.c();
                self.cell(match usage {
                    Usage::Duration => "Hours",
                    Usage::Capacity => "GB-Hours",
                    Usage::Upflow => "GB",
                });
                self.common(res, &res.ids[id], region.code);
                self.c();
                self.cell("Expenditure-use");
                clock.push_utc(&mut self.buf, hs + HOUR + delay);
            }
            Row::Order { at, order, .. } => {
                let refund = order == OrderKind::Refund;
                self.cell(if refund { "Adjustment" } else { "Purchase" });
                self.c();
                self.cell(if refund {
                    "Unsubscription refund"
                } else {
                    "Yearly/monthly subscription"
                });
                self.cell(if refund { "One-Time" } else { "Recurring" });
                // The order's own hour, not the month it pays for: a charge period reaching
                // into the future would read as bill coverage that does not exist yet.
                clock.push_utc(&mut self.buf, (at / HOUR + 1) * HOUR);
                self.c();
                clock.push_utc(&mut self.buf, at);
                self.c();
                self.money_cells(&m);
                self.cell(if refund { "" } else { "Standard" });
                self.s("1,Months,");
                self.common(res, &res.ids[0], region.code);
                self.c();
                self.cell(match order {
                    OrderKind::Purchase => "Expenditure-purchase",
                    OrderKind::Renewal => "Expenditure-renewal",
                    OrderKind::AutoRenewal => "Expenditure-auto renewal",
                    OrderKind::Refund => "Refund-unsubscription",
                });
                clock.push_utc(&mut self.buf, at);
            }
        }
    }

    /// ContractedCost, EffectiveCost, InvoiceIssuer, ListCost.
    pub(super) fn money_cells(&mut self, m: &Money) {
        push_fixed(&mut self.buf, m.due, 8);
        self.c();
        push_fixed(&mut self.buf, m.due, 8);
        self.s(",Huawei Cloud,");
        push_fixed(&mut self.buf, m.list, 8);
        self.c();
    }

    /// Provider … Tags (without the trailing comma).
    pub(super) fn common(&mut self, res: &Res, id: &str, region: &str) {
        self.s("Huawei Cloud,Huawei Cloud,");
        self.cell(region);
        self.cell(id);
        self.cell(&res.name);
        let (category, service) = match res.kind {
            Kind::Ecs | Kind::EcsMonthly => ("Compute", "Elastic Cloud Server"),
            Kind::Evs | Kind::EvsMonthly => ("Storage", "Elastic Volume Service"),
            Kind::MaService | Kind::Notebook => ("AI and Machine Learning", "ModelArts"),
        };
        self.cell(category);
        self.cell(service);
        self.s(&res.tag_focus);
    }
}

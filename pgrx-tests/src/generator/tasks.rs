//! Projects and their tasks: task stages, projects of customers, tasks in every state (some open ones
//! past their deadline) and their assignees.

use std::io::{self, Write};

use chrono::{Duration, NaiveDateTime};

use super::{at, Generator};

/// (id, English name, French name, folded)
const STAGES: &[(i64, &str, &str, bool)] = &[
    (1, "New", "Nouveau", false),
    (2, "In Progress", "En cours", false),
    (3, "Review", "Revue", false),
    (4, "Done", "Fait", true),
    (5, "Cancelled", "Annulé", true),
];

impl<W: Write> Generator<W> {
    pub(super) fn projects_and_tasks(&mut self) -> io::Result<()> {
        let mut rng = self.rng.fork(4);
        let today = self.config.today;
        let history_days = (today - self.history_start).num_days();
        let created = at(self.history_start, 8, 0);

        let start = self.begin("project_task_type", &["id", "name", "sequence", "fold", "active", "create_date"])?;
        for (id, english, french, fold) in STAGES {
            let name = format!("{{\"en_US\": \"{english}\", \"fr_FR\": \"{french}\"}}");
            let w = &mut self.out;
            w.int(*id)?.text(&name)?.int(*id * 10)?.boolean(*fold)?.boolean(true)?.timestamp(created)?;
            w.end_row()?;
        }
        self.end("project_task_type", start);

        let project_count = (i64::from(self.config.scale) / 500).max(5);
        let start = self.begin(
            "project_project",
            &[
                "id",
                "name",
                "active",
                "sequence",
                "partner_id",
                "company_id",
                "user_id",
                "date_start",
                "privacy_visibility",
                "create_date",
                "label_tasks",
            ],
        )?;
        for id in 1..=project_count {
            let customer = &self.customers[rng.range(0, self.customers.len() as i64 - 1) as usize];
            let name = format!(
                "{{\"en_US\": \"{} {}\"}}",
                rng.pick(&["Rollout", "Migration", "Support", "Audit", "Website", "Training"]),
                customer.name
            );
            let start_date = self.history_start + Duration::days(rng.range(0, history_days / 2));
            let partner_id = customer.partner_id;
            let user_id = *rng.pick(&self.user_ids);
            let w = &mut self.out;
            w.int(id)?.text(&name)?.boolean(id % 17 != 0)?.int(id)?.int(partner_id)?.int(1)?.int(user_id)?;
            w.date(start_date)?.text("employees")?.timestamp(at(start_date, 9, 0))?;
            w.text("{\"en_US\": \"Tasks\"}")?;
            w.end_row()?;
        }
        self.end("project_project", start);

        let task_count = i64::from(self.config.scale.max(1));
        let start = self.begin(
            "project_task",
            &[
                "id",
                "name",
                "project_id",
                "stage_id",
                "state",
                "priority",
                "active",
                "sequence",
                "date_deadline",
                "date_assign",
                "date_end",
                "date_last_stage_update",
                "partner_id",
                "company_id",
                "allocated_hours",
                "effective_hours",
                "remaining_hours",
                "progress",
                "display_in_project",
                "create_date",
                "write_date",
            ],
        )?;
        const VERBS: &[&str] = &["Configure", "Review", "Migrate", "Test", "Document", "Deploy", "Fix", "Design"];
        const OBJECTS: &[&str] =
            &["invoicing", "warehouse flows", "payroll", "CRM pipeline", "reports", "portal", "API", "dashboards"];
        let mut assignments: Vec<(i64, i64, NaiveDateTime)> = Vec::new();
        for id in 1..=task_count {
            let project_id = rng.range(1, project_count);
            let created_date = self.history_start + Duration::days(rng.range(0, history_days));
            let age = (today - created_date).num_days();
            // Older tasks are mostly closed; recent ones mostly open.
            let closed_probability = (age as f64 / 180.0).min(0.97);
            let (stage_id, state) = if rng.chance(closed_probability) {
                if rng.chance(0.9) {
                    (4, "1_done")
                } else {
                    (5, "1_canceled")
                }
            } else {
                match rng.weighted(&[3.0, 4.0, 1.5, 1.0, 0.8]) {
                    0 => (1, "01_in_progress"),
                    1 => (2, "01_in_progress"),
                    2 => (3, "03_approved"),
                    3 => (2, "02_changes_requested"),
                    _ => (2, "04_waiting_normal"),
                }
            };
            let closed = state.starts_with('1');
            let deadline = rng.chance(0.7).then(|| at(created_date + Duration::days(rng.range(3, 120)), 17, 0));
            let closed_at = closed.then(|| at(created_date + Duration::days(rng.range(1, age.max(1))), 16, 30));
            let allocated = rng.range(1, 40) as f64;
            let effective = allocated * rng.log_normal(if closed { 1.0 } else { 0.5 }, 0.4);
            let name = format!("{} {} #{id}", rng.pick(VERBS), rng.pick(OBJECTS));
            let priority = if rng.chance(0.2) { "1" } else { "0" };
            let active = !rng.chance(0.02);
            let created_at = at(created_date, 10, (id % 60) as u32);
            let partner_id = self.customers[rng.range(0, self.customers.len() as i64 - 1) as usize].partner_id;
            let w = &mut self.out;
            w.int(id)?.text(&name)?.int(project_id)?.int(stage_id)?.text(state)?.text(priority)?.boolean(active)?;
            w.int(10)?.opt_timestamp(deadline)?.timestamp(created_at)?.opt_timestamp(closed_at)?;
            w.timestamp(closed_at.unwrap_or(created_at))?.int(partner_id)?.int(1)?.float(allocated)?;
            w.float(effective)?.float(allocated - effective)?.float((effective / allocated * 100.0).min(100.0))?;
            w.boolean(true)?.timestamp(created_at)?.timestamp(closed_at.unwrap_or(created_at))?;
            w.end_row()?;
            let assignees = rng.weighted(&[1.0, 5.0, 2.5, 1.0]);
            let mut chosen: Vec<i64> = Vec::new();
            for _ in 0..assignees {
                let user = *rng.pick(&self.user_ids);
                if !chosen.contains(&user) {
                    chosen.push(user);
                    assignments.push((id, user, created_at));
                }
            }
        }
        self.end("project_task", start);

        let start = self.begin("project_task_user_rel", &["id", "task_id", "user_id", "create_date"])?;
        for (index, (task_id, user_id, created_at)) in assignments.iter().enumerate() {
            let w = &mut self.out;
            w.int(index as i64 + 1)?.int(*task_id)?.int(*user_id)?.timestamp(*created_at)?;
            w.end_row()?;
        }
        self.end("project_task_user_rel", start);
        Ok(())
    }
}

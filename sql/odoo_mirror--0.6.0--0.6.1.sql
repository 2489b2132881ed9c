-- odoo_mirror 0.6.0 -> 0.6.1
--
-- The SQL surface changes in one setting: get_suspicious_expenses keeps the generic plan of its
-- statements, as the other RPCs already do (the planner re-planned its stored-predictions query on
-- every call: 0.4 ms of its 0.9 ms).
--
-- The rest of 0.6.1 is in the library: the expense fraud model's format 3 (a rule for consecutive
-- document numbers of one vendor, split claims only of parts of at least a quarter of the approval
-- threshold, near duplicates on the same report weigh less). Fraud models stored by 0.6.0 (format 2)
-- keep scoring exactly as before until retrained: SELECT odoo_mirror.train_fraud_model();

ALTER FUNCTION odoo_mirror.get_suspicious_expenses(integer, double precision) SET plan_cache_mode = force_generic_plan;

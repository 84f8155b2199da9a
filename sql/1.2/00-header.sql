
-- wellness_tenancy 1.1 -> 1.2: isolation 2.0 (side channels, tenant lock,
-- signed tenant context, session objects of pooled connections).
-- Assembled by the Makefile from the fragments in sql/1.2/, in name order.

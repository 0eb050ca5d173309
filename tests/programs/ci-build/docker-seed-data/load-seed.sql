-- runs once on first container start, after the schema migrations image
CREATE TABLE IF NOT EXISTS seed_customers_raw (doc jsonb);
CREATE TABLE IF NOT EXISTS seed_report (id integer);

\copy seed_report FROM '/docker-entrypoint-initdb.d/data/report.csv' WITH (FORMAT csv, HEADER true)

INSERT INTO seed_customers_raw (doc)
SELECT jsonb_array_elements(pg_read_file('/docker-entrypoint-initdb.d/data/customers.json')::jsonb);

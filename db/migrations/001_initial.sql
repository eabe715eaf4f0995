-- Users, roles, quotas, executions, services and ports, shaped after the original Zoe's schema
-- (version 7), plus an event table so every state change keeps its time.

CREATE TABLE quota (
  id SERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  concurrent_executions INT NOT NULL,
  memory BIGINT NOT NULL,
  cores INT NOT NULL,
  runtime_limit INT NOT NULL
);

CREATE TABLE role (
  id SERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  can_see_status BOOLEAN NOT NULL DEFAULT FALSE,
  can_change_config BOOLEAN NOT NULL DEFAULT FALSE,
  can_operate_others BOOLEAN NOT NULL DEFAULT FALSE,
  can_delete_executions BOOLEAN NOT NULL DEFAULT FALSE,
  can_access_api BOOLEAN NOT NULL DEFAULT FALSE,
  can_customize_resources BOOLEAN NOT NULL DEFAULT FALSE,
  can_access_full_zapp_shop BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE "user" (
  id SERIAL PRIMARY KEY,
  username TEXT NOT NULL,
  password TEXT NULL,
  fs_uid INT NOT NULL,
  email TEXT,
  priority SMALLINT NOT NULL DEFAULT 0,
  enabled BOOLEAN NOT NULL DEFAULT TRUE,
  auth_source TEXT NOT NULL,
  role_id INT NOT NULL REFERENCES role (id),
  quota_id INT NOT NULL REFERENCES quota (id)
);
CREATE UNIQUE INDEX users_username_uindex ON "user" (username);

CREATE TABLE execution (
  id SERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  user_id INT NOT NULL REFERENCES "user" (id),
  description JSONB NOT NULL,
  status TEXT NOT NULL,
  size NUMERIC NOT NULL,
  time_submit TIMESTAMPTZ NOT NULL,
  time_start TIMESTAMPTZ NULL,
  time_end TIMESTAMPTZ NULL,
  error_message TEXT NULL
);
CREATE INDEX execution_user_status ON execution (user_id, status);

CREATE TABLE service (
  id SERIAL PRIMARY KEY,
  status TEXT NOT NULL,
  error_message TEXT NULL,
  description JSONB NOT NULL,
  execution_id INT NOT NULL REFERENCES execution (id) ON DELETE CASCADE,
  service_group TEXT NOT NULL,
  name TEXT NOT NULL,
  backend_id TEXT NULL,
  backend_status TEXT NOT NULL DEFAULT 'undefined',
  backend_host TEXT NULL,
  ip_address TEXT NULL,
  essential BOOLEAN NOT NULL DEFAULT FALSE,
  restart_count INT NOT NULL DEFAULT 0,
  exit_code INT NULL,
  UNIQUE (execution_id, name)
);

CREATE TABLE port (
  id SERIAL PRIMARY KEY,
  service_id INT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
  internal_name TEXT NOT NULL,
  external_ip TEXT NULL,
  external_port INT NULL,
  description JSONB NOT NULL,
  UNIQUE (service_id, internal_name)
);

-- One row per state change. `seq` is assigned by the execution workflow, so an activity that is
-- retried writes the same event once (ON CONFLICT DO NOTHING).
CREATE TABLE execution_event (
  id BIGSERIAL PRIMARY KEY,
  execution_id INT NOT NULL REFERENCES execution (id) ON DELETE CASCADE,
  seq INT NOT NULL,
  time TIMESTAMPTZ NOT NULL,
  status TEXT NULL,
  service_name TEXT NULL,
  message TEXT NOT NULL,
  UNIQUE (execution_id, seq)
);

INSERT INTO quota (name, concurrent_executions, memory, cores, runtime_limit)
VALUES ('default', 5, 34359738368, 20, 24);

INSERT INTO role (name, can_see_status, can_change_config, can_operate_others, can_delete_executions,
                  can_access_api, can_customize_resources, can_access_full_zapp_shop)
VALUES ('admin', TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE),
       ('superuser', TRUE, FALSE, FALSE, FALSE, TRUE, TRUE, TRUE),
       ('user', FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE),
       ('guest', FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE);

//! Named contexts (broker profiles) from `evbus.yaml` or `$XDG_CONFIG_HOME/evbus/config.yaml`, and
//! the resolution of the effective connection settings.
//!
//! Precedence, highest first: command-line flags > environment variables > the selected context >
//! built-in defaults. Secrets can be `${ENV_VAR}` references or read from files, so a config file
//! never needs to contain a password.
//!
//! ```yaml
//! current: local
//! contexts:
//!   local:
//!     brokers: 127.0.0.1:9092
//!   prod:
//!     brokers: kafka-1.example.com:9093,kafka-2.example.com:9093
//!     manifest: deploy/topics.yaml
//!     tls: { ca: certs/ca.pem }                  # relative to this file's directory
//!     sasl:
//!       mechanism: SCRAM-SHA-512
//!       username: evbus
//!       password: ${EVBUS_PROD_PASSWORD}          # or password_file: ~/.secrets/kafka
//!     properties:
//!       client.rack: eu-west-1a
//! ```

mod file;
pub mod perms;
mod resolve;
pub mod write;

pub use file::{ConfigFile, Context, Sasl, Tls, config_path, expand_env, load_file, parse, user_config_path};
pub use resolve::{
    BROKER_ENV_VARS, DEFAULT_BROKERS, DEFAULT_MANIFEST, Effective, MAX_BOOTSTRAP, Overrides, SASL_MECHANISMS,
    completion_manifest, resolve, resolve_lenient,
};

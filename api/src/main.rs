//! `reachline`: parses the command line and hands over to the library.

use anyhow::Context;
use api::config::{Cli, Command, LogFormat, TenantCommand, UserCommand};
use api::{Application, stores, telemetry};
use clap::Parser;
use workers::accounts::{bootstrap, tenants, users};
use workers::audit::Actor;
use workers::{Services, ServicesConfig};

/// mimalloc instead of the system allocator: the dialer hot path allocates
/// for every request (JSON values, strings), and glibc's malloc showed up as
/// ~12% of a validation profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Err(error) = run(cli).await {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(config) => {
            telemetry::init(config.log_format);
            let roles: Vec<&str> = config.roles.iter().map(|role| role.name()).collect();
            let app = Application::build(config.clone()).await?;
            let url = format!("http://{}/", app.local_addr());
            println!("Reachline is running at {url} (roles: {})", roles.join(","));
            if let Some(admin) = app.first_admin() {
                if admin.generated {
                    println!(
                        "First admin created: {}  password: {}",
                        admin.email, admin.password
                    );
                    println!("This password is shown once: sign in and change it.");
                } else {
                    println!(
                        "First admin created: {} (password from REACHLINE_ADMIN_PASSWORD)",
                        admin.email
                    );
                }
            }
            app.run_until_stopped(api::app::shutdown_signal()).await?;
            // Exit now: a blocking thread still reading an abandoned import's file
            // must not hold the process past its shutdown deadline.
            std::process::exit(0)
        }
        Command::Migrate(store) => {
            telemetry::init(LogFormat::Text);
            stores::open_database(&store).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Tenant(TenantCommand::Create { name, store }) => {
            telemetry::init(LogFormat::Text);
            let db = stores::open_database(&store).await?;
            let tenant = tenants::create(&db, &name)
                .await
                .context("creating the tenant")?;
            println!("tenant {} created (id {})", tenant.name, tenant.id);
            Ok(())
        }
        Command::User(UserCommand::Create {
            email,
            role,
            tenant,
            name,
            password,
            store,
        }) => {
            telemetry::init(LogFormat::Text);
            let db = stores::open_database(&store).await?;
            let cache = stores::open_cache(&store).await?;
            // Token keys are not used by user creation; any key will do.
            let keys =
                workers::accounts::tokens::TokenKeys::from_secret(b"unused by the command line");
            let services = Services::new(db, cache, keys, ServicesConfig::default());
            let tenant = tenants::find_by_name(&services.db, &tenant)
                .await?
                .with_context(|| format!("no tenant named {tenant:?}"))?;
            let (password, generated) = match password {
                Some(secret) => (secret.expose().to_owned(), false),
                None => (bootstrap::generate_password(), true),
            };
            let new_user = users::NewUser {
                display_name: name.unwrap_or_else(|| email.clone()),
                email,
                role,
                password: password.clone(),
            };
            let user = users::create_as(
                &services,
                &Actor::system(tenant.id, "command line"),
                new_user,
            )
            .await
            .context("creating the user")?;
            println!(
                "user {} created with role {} in tenant {}",
                user.email, user.role, tenant.name
            );
            if generated {
                println!("password: {password}  (shown once)");
            }
            Ok(())
        }
    }
}

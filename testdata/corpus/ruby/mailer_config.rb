Rails.application.configure do
  config.action_mailer.delivery_method = :smtp
  config.action_mailer.smtp_settings = {
    address: "smtp.acme.io",
    user_name: "alerts",
    password: 'kwjkezv',
    authentication: :login
  }
  config.cache_store = :redis_cache_store, { url: ENV.fetch("REDIS_URL") }
  config.session_store :redis_store, servers: ["redis://:boxun@cache.internal:6379/0/session"]
  config.x.admin_password = ENV["ADMIN_PASSWORD"]
end

class AccountsController < ApplicationController
  TOKEN_TYPE = "bearer".freeze

  def create
    password = params[:password]
    secret_token = ENV.fetch("SECRET_TOKEN")
    api_key = "#{prefix}_#{suffix}"
    auth = { auth_method: :plain, password_digest: BCrypt::Password.create(password) }
    credentials = Rails.application.credentials.aws
    token = @access_token
    render json: { token_type: TOKEN_TYPE, auth: auth, api_key: api_key, creds: credentials, token: token, secret: secret_token }
  end
end

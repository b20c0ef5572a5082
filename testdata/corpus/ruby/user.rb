class User < ApplicationRecord
  has_secure_password
  has_secure_token :auth_token

  PASSWORD_MIN_LENGTH = 12
  validates :password, length: { minimum: PASSWORD_MIN_LENGTH }, allow_nil: true

  def self.authenticate(email, password)
    user = find_by(email: email)
    user&.authenticate(password) || nil
  end

  def api_client
    ApiClient.new(token: ENV['API_TOKEN'], password: ENV['PASSWORD'])
  end

  def reset_password!(password: nil)
    update!(password: password || SecureRandom.base58(24), password_reset_token: nil)
  end
end

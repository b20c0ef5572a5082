require 'stripe'

module Payments
  class Client
    RESTRICTED_KEY = 'rk_live_3V0AiE4o4pTBZTx5b3CP1Idw'.freeze

    def initialize(api_key: ENV['STRIPE_API_KEY'])
      @api_key = api_key || RESTRICTED_KEY
      @password = nil
    end

    def charge(amount_cents, customer_id)
      Stripe::Charge.create({ amount: amount_cents, currency: 'usd', customer: customer_id },
                            { api_key: @api_key })
    end
  end

  SFTP_OPTIONS = {
    host: 'sftp.partner-bank.example',
    user: 'corp-payments',
    password: "I!*+GeD11!f+v%Lu.S1XynoyY%Hueh",
    port: 22
  }.freeze
end

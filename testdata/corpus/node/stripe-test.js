// Test-mode fixtures for the checkout integration tests.
// These are Stripe *test* keys and publishable keys; they are safe to commit.
const Stripe = require('stripe');

const stripe = Stripe('sk_test_3NUuDp0jX3AIgxI85rbVpkAhmptLlYUIcb9RCrB1AnJxzYkiCvbdYy59pnwQddDNjFoMI1Mi5siwfueUsTFBljJtYDzvY1hipun');
const PUBLISHABLE_KEY = 'pk_live_Sdw437hcX15Jg40QpQZoNbhUqoVj92SXoOofYia8G7YcFQCRfFMeihlkxzpeNX21i1e0fFKJkCSSYTzz6PGFrFNWoO0tE2Ev9rM';
const PUBLISHABLE_TEST_KEY = 'pk_test_rJ7qCmWvrA1rcRnDkFmdSrmmEPio9ONdFAKnmyxC1rvlj7YYhWsSWqEXV7cduIJLsQ2dbpXG3Ztxd09LQ9Oc26u6J6MFvgmiq02';
const apiKey = process.env.STRIPE_API_KEY;

describe('checkout', () => {
  it('creates a payment intent', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'eur',
      metadata: { orderId: '0fcd39a4-d824-4ebf-8c5e-c6211d3d1d09' },
    });
    expect(intent.client_secret).toBeDefined();
  });
});

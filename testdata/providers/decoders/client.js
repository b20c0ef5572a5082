const body = "{\"access_token\":\"\u0067hp_R8fKq2LmZ7xW4vT9nB3cY6hJ1dS5gP3tbQWl\"}";
const note = "{\"hint\": \"use your own token\"}";

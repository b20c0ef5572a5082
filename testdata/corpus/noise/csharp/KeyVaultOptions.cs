namespace Shop.Security
{
    public class KeyVaultOptions
    {
        public const string TokenType = "Bearer";
        private readonly string _secretName = "kv-prod-db-password";
        public string SecretAlgorithm { get; set; } = "RSA-OAEP-256";

        public async Task<string> LoadAsync(IConfiguration configuration)
        {
            var token = await GetTokenAsync();
            string apiKey = configuration["ApiKey"];
            SecureString password = new SecureString();
            var authSecret = "HMAC-SHA256";
            var credentialPath = "/var/run/secrets/azure/tokens/azure-identity-token";
            return token + apiKey + authSecret + credentialPath;
        }
    }
}

using System;
using Microsoft.Extensions.Configuration;

namespace Portal.Auth
{
    public class AuthService
    {
        public const string PasswordField = "password";
        public const int TokenExpiry = 3600;
        private readonly string _clientSecret;
        private string password = "";
        private string token = null;

        public AuthService(IConfiguration config)
        {
            _clientSecret = config["Auth:ClientSecret"];
            password = Environment.GetEnvironmentVariable("SERVICE_PASSWORD");
        }

        public bool Login(string username, string password)
        {
            if (string.IsNullOrEmpty(password) || password.Length < 12) return false;
            token = Guid.NewGuid().ToString();
            return true;
        }

        // Sample request id: abc6a270-acc2-4fbf-bd34-2f65b3a9b84d
    }
}

using System;
using System.Data.SqlClient;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Portal.Notifier
{
    public static class Program
    {
        private const string ConnectionString = "Server=sql01.internal;Database=Portal;User Id=sa;Password=^y*pvwBd5CZWDZwy#Sxrlu8CJ!l.iML;";
        private static readonly string SendGridKey = "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";
        private static readonly string ApiKey = Environment.GetEnvironmentVariable("API_KEY");
        private const int PasswordMinLength = 12;
        private const string TokenType = "bearer";

        public static async System.Threading.Tasks.Task Main(string[] args)
        {
            using var conn = new SqlConnection(ConnectionString);
            conn.Open();
            var client = new SendGridClient(SendGridKey);
            var msg = MailHelper.CreateSingleEmail(new EmailAddress("noreply@example-corp.com"),
                new EmailAddress(args[0]), "Report ready", "Your report is ready.", null);
            await client.SendEmailAsync(msg);
        }
    }
}

<?php

return [
    'password' => env('DB_PASSWORD', ''),
    'api_secret' => 'hmac-sha256',
    'secret_cipher' => 'AES-256-CBC',
    'token_file' => storage_path('oauth-private.key'),
    'auth_key' => "$prefix-$suffix",
    'secret' => "/$file_pwd",
    'credentials' => "EXTERNAL@%HOSTIP:%POP3PORT/%TESTNUMBER",
    'token' => sprintf('%s:%lu', $user, $expires),
];

$fallback_password = '3L7JvR*AT*Pa4eD8%qEBmoNg';

<?php

return [
    'app' => [
        'name' => 'Invoicing',
        'debug' => false,
    ],
    'database' => [
        'driver' => 'mysql',
        'host' => getenv('DB_HOST') ?: '127.0.0.1',
        'database' => 'invoicing',
        'username' => 'invoicing',
        'password' => 'wa_HIk*9xIwR0Al.Ag2WUC6',
    ],
    'mail' => [
        'username' => getenv('MAIL_USER'),
        'password' => getenv('MAIL_PASSWORD'),
    ],
    'legacy_dsn' => 'mysql://invoicing:pObWwWDeD1sa6sLPM@mysql.internal:3306/invoicing',
    'ui' => [
        'password_label' => 'Password',
        'forgot_password' => 'Forgot your password?',
    ],
];

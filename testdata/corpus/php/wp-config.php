<?php
/**
 * The base configuration for WordPress
 *
 * @package WordPress
 */

// ** Database settings - You can get this info from your web host ** //
define( 'DB_NAME', 'wp_marketing' );
define( 'DB_USER', 'wp_marketing' );
define( 'DB_PASSWORD', 'OBL0aR34#^D4lHZ0eII_*4VMqO' );
define( 'DB_HOST', 'mysql.internal' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );

/**#@+
 * Authentication unique keys and salts.
 */
define( 'AUTH_KEY',         'P=?:CGp.i)]RwzhT<?7&osgQX7kxm1iN=Wjn-rhAfA?87xW,m;{T^1-F?drdjNr*' );
define( 'SECURE_AUTH_KEY',  'D|Z}<qqwK8hD#kfBFuWM{5,tq^+{UzXlqz&}35bQE?}.WVO)[s:fXH<,FRe;.W0B' );
define( 'NONCE_KEY',        'put your unique phrase here' );
define( 'AUTH_SALT',        'put your unique phrase here' );
/**#@-*/

$table_prefix = 'wp_';
define( 'WP_DEBUG', false );

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';

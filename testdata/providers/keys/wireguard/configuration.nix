{ config, ... }:
{
  networking.wireguard.interfaces.wg0 = {
    ips = [ "10.8.0.3/24" ];
    listenPort = 51820;
    privateKey = "yD7RBySInvD+dxAsnWfHvE5gBjdlJEUxxNZLyZ7a7Hw=";
    # privateKeyFile = "/run/keys/wg0";
  };
}

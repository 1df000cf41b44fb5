//! Which peers may tell us the client's address: the reverse proxies in front of desist.
//!
//! Behind a proxy every connection comes from the proxy, so throttling and the audit would see
//! one address for everybody; the proxy names the client in `X-Forwarded-For`. A header from
//! anyone else is a lie waiting to happen (an attacker would pick a fresh address per guess), so
//! it is read only when the peer is a trusted proxy, and then from the right: each trusted proxy
//! appends the address it saw, and the first untrusted address from the right is the client.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// An address or a range in CIDR notation (`10.0.0.0/8`, `fd00::/8`, `127.0.0.1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressRange {
    network: IpAddr,
    prefix: u8,
}

impl AddressRange {
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address.to_canonical()) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(network) & mask == u32::from(address) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(network) & mask == u128::from(address) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for AddressRange {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr =
            address.parse().map_err(|_| format!("`{text}` is not an IP address or a range such as 10.0.0.0/8"))?;
        let widest = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => widest,
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= widest)
                .ok_or_else(|| format!("`{text}`: the prefix length must be 0 to {widest}"))?,
        };
        Ok(AddressRange { network: network.to_canonical(), prefix })
    }
}

impl fmt::Display for AddressRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed; empty: none (the default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<AddressRange>);

impl TrustedProxies {
    pub fn new(ranges: Vec<AddressRange>) -> Self {
        TrustedProxies(ranges)
    }

    /// Every address is a proxy: for tests that sign in "from" many addresses.
    pub fn everyone() -> Self {
        let any = |network: IpAddr| AddressRange { network, prefix: 0 };
        TrustedProxies(vec![any(Ipv4Addr::UNSPECIFIED.into()), any(Ipv6Addr::UNSPECIFIED.into())])
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(address))
    }

    /// The client's address, given the connection's peer and its `X-Forwarded-For` headers.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        let hops = forwarded_for.iter().flat_map(|header| header.split(',')).map(str::trim).collect::<Vec<_>>();
        for hop in hops.into_iter().rev() {
            let Ok(address) = hop.parse::<IpAddr>() else {
                // A hop we cannot read: stop at the last address a trusted proxy vouched for.
                break;
            };
            client = address;
            if !self.trusts(address) {
                break;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(ranges: &[&str]) -> TrustedProxies {
        TrustedProxies::new(ranges.iter().map(|r| r.parse().unwrap()).collect())
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_header_from_an_untrusted_peer_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("203.0.113.9"), &["198.51.100.1"]), ip("203.0.113.9"));
        let some = proxies(&["10.0.0.0/8"]);
        assert_eq!(some.client(ip("203.0.113.9"), &["198.51.100.1"]), ip("203.0.113.9"));
    }

    #[test]
    fn the_first_untrusted_address_from_the_right_is_the_client() {
        let chain = proxies(&["10.0.0.0/8", "192.168.1.5"]);
        // The client put a made-up address first; the proxies appended what they saw.
        let header = ["1.2.3.4, 198.51.100.7, 192.168.1.5"];
        assert_eq!(chain.client(ip("10.1.2.3"), &header), ip("198.51.100.7"));
    }

    #[test]
    fn several_headers_read_as_one_list_and_garbage_stops_the_walk() {
        let chain = proxies(&["10.0.0.0/8"]);
        assert_eq!(chain.client(ip("10.0.0.1"), &["198.51.100.7", "10.0.0.2"]), ip("198.51.100.7"));
        assert_eq!(chain.client(ip("10.0.0.1"), &["198.51.100.7, nonsense"]), ip("10.0.0.1"));
    }

    #[test]
    fn ranges_parse_and_match_in_both_families() {
        assert!(proxies(&["fd00::/8"]).trusts(ip("fd12::1")));
        assert!(!proxies(&["fd00::/8"]).trusts(ip("fe80::1")));
        assert!(proxies(&["127.0.0.1"]).trusts(ip("::ffff:127.0.0.1")), "IPv4-mapped addresses are IPv4");
        assert!(proxies(&["0.0.0.0/0"]).trusts(ip("8.8.8.8")));
        assert_eq!(
            "10.0.0.0/33".parse::<AddressRange>().unwrap_err(),
            "`10.0.0.0/33`: the prefix length must be 0 to 32"
        );
        assert!("proxy.example".parse::<AddressRange>().unwrap_err().contains("not an IP address"));
    }
}
